export * from './charts.ts';
export * from './cohortCharts.ts';
