/** The viewer's single configuration: data sources, models and the default mode. */
export interface AppConfig {
  defaultMode: string;
}

export const appConfig: AppConfig = {
  defaultMode: 'model-vs-annotator',
};
