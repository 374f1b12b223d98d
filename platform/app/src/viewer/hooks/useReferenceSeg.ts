/**
 * The study's DICOM SEG that references the displayed series becomes the reference overlay,
 * chosen by @concord/core's rule (`chooseReferenceSeg`: an annotator's SEG wins over a
 * model's). Runs once per series, after its first image, when no reference is shown yet.
 */
import { useEffect } from 'react';
import { chooseReferenceSeg, segSeriesOf, userMessage } from '@concord/core';
import type { DataSource, SeriesSummary } from '../../dataSources/types.ts';
import type { OverlayManager } from '../../segmentation/overlayManager.ts';
import { readSegForVolume } from '../../segmentation/referenceSeg.ts';
import type { ViewportController } from '../viewportController.ts';

export function useReferenceSeg({
  controller,
  overlays,
  series,
  activeSeries,
  dataSource,
  studyUID,
  displayed,
  setOverlayStatus,
}: {
  controller: ViewportController | null;
  overlays: OverlayManager | null;
  series: SeriesSummary[] | null;
  activeSeries: string | null;
  dataSource: DataSource | undefined;
  studyUID: string;
  displayed: number;
  setOverlayStatus: (status: string | null) => void;
}) {
  useEffect(() => {
    if (!controller || !overlays || !series || !activeSeries || !dataSource || displayed === 0)
      return;
    if (segSeriesOf(series).length === 0 || overlays.labelVolume('reference')) return;
    const abort = new AbortController();
    const { signal } = abort;
    (async () => {
      const volume = await controller.ensureVolume();
      const { chosen, problems } = await chooseReferenceSeg(
        series,
        async (seg) => {
          const [bytes] = await dataSource.retrieveInstances(studyUID, seg.SeriesInstanceUID);
          signal.throwIfAborted();
          const { labels, segments } = readSegForVolume(bytes, volume, activeSeries);
          return { labels, segments };
        },
        {
          signal,
          onRead: (seg) =>
            setOverlayStatus(`Loading ${seg.SeriesDescription || 'the reference SEG'}…`),
        },
      );
      if (signal.aborted) return;
      if (!chosen)
        return setOverlayStatus(`No reference SEG for this series. ${problems.join('; ')}`);
      overlays.setLabelmap('reference', volume, chosen.labels, chosen.title, { kind: 'dicom-seg' });
      setOverlayStatus(null);
    })().catch((e) => !signal.aborted && setOverlayStatus(`Reference SEG: ${userMessage(e)}`));
    return () => abort.abort();
    // setOverlayStatus is left out: the viewer's setter
  }, [controller, overlays, series, activeSeries, dataSource, studyUID, displayed]);
}
