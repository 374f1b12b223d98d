/** The viewer's single configuration: data sources, models and the default mode. */
import type { ModelConfig } from '@concord/core';
import type { DataSourceConfig } from './dataSources/types.ts';

export type { ModelConfig };

export interface AppConfig {
  defaultMode: string;
  dataSources: DataSourceConfig[];
  defaultDataSourceName: string;
  models: ModelConfig[];
}

/** Used when the server provides no /app-config.json (e.g. `vite dev`): the embedded sample. */
export const appConfig: AppConfig = {
  defaultMode: 'model-vs-annotator',
  dataSources: [
    { name: 'sample', type: 'dicomjson', friendlyName: 'Sample study', url: '/data/manifest.json' },
  ],
  defaultDataSourceName: 'sample',
  models: [],
};

/** `concord serve` answers /app-config.json with the data sources it was started with. */
export async function loadAppConfig(): Promise<AppConfig> {
  try {
    const res = await fetch('/app-config.json', { cache: 'no-store' });
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) {
      const served = (await res.json()) as Partial<AppConfig>;
      return { ...appConfig, ...served };
    }
  } catch {
    /* fall back to the built-in default */
  }
  return appConfig;
}
