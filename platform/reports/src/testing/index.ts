/** Test fixtures shared by the package's tests and the integration suites (`@concord/reports/testing`). */
export * from './syntheticCase.ts';
export * from './srFixture.ts';
