export * from './charts.ts';
export * from './cohortCharts.ts';
export * from './calibrationCharts.ts';
