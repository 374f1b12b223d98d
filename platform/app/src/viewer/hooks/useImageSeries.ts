/**
 * The study's series and the one displayed: by default the image series with the most
 * instances (`defaultImageSeries`, @concord/core), once the mode accepts the study.
 */
import { useEffect, useState } from 'react';
import { defaultImageSeries, userMessage } from '@concord/core';
import type { ModeDefinition } from '@concord/mode-model-vs-annotator';
import type { DataSource, SeriesSummary } from '../../dataSources/types.ts';

export function useImageSeries({
  dataSource,
  dataSourceName,
  studyUID,
  mode,
  setError,
  preferredSeries = null,
}: {
  /** the series to show first when the study has it (a case opened from the cohort view) */
  preferredSeries?: string | null;
  dataSource: DataSource | undefined;
  dataSourceName: string;
  studyUID: string;
  mode: ModeDefinition;
  setError: (message: string) => void;
}) {
  const [series, setSeries] = useState<SeriesSummary[] | null>(null);
  const [activeSeries, setActiveSeries] = useState<string | null>(null);

  useEffect(() => {
    if (!dataSource) return setError(`No data source named “${dataSourceName}” is configured`);
    if (!studyUID) return setError('No StudyInstanceUIDs in the address');
    dataSource.listSeries(studyUID).then(
      (list) => {
        setSeries(list);
        const modalities = list.map((s) => s.Modality).join('\\');
        const valid = mode.isValidMode({ modalities });
        if (!valid.valid)
          return setError(valid.description ?? 'This study cannot be opened in this mode');
        const preferred = list.find((s) => s.SeriesInstanceUID === preferredSeries);
        setActiveSeries(
          preferred?.SeriesInstanceUID ?? defaultImageSeries(list)?.SeriesInstanceUID ?? null,
        );
      },
      (e) => setError(userMessage(e)),
    );
    // setError is left out: the viewer's state setter
  }, [dataSource, dataSourceName, studyUID, mode, preferredSeries]);

  return { series, activeSeries, setActiveSeries };
}
