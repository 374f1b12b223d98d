import { createDicomJsonDataSource } from './dicomJson.ts';
import { createDicomWebDataSource } from './dicomWeb.ts';
import type { DataSource, DataSourceConfig } from './types.ts';

export * from './types.ts';

export function createDataSource(config: DataSourceConfig): DataSource {
  return config.type === 'dicomweb'
    ? createDicomWebDataSource(config)
    : createDicomJsonDataSource(config);
}
