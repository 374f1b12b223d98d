/**
 * The study's DICOM SEG that references the displayed series becomes the reference overlay,
 * chosen by @concord/core's rule (`chooseReferenceSeg`: an annotator's SEG wins over a
 * model's). Runs once per series, after its first image, when no reference is shown yet. The
 * SEG is decoded in a worker with progress and can be cancelled; the labelmap is shown in
 * short main-thread steps (docs/architecture.md#workers).
 */
import { useEffect } from 'react';
import {
  chooseReferenceSeg,
  prewarmLabelFileWorker,
  segSeriesOf,
  userMessage,
} from '@concord/core';
import type { DataSource, SeriesSummary } from '../../dataSources/types.ts';
import type { OverlayManager } from '../../segmentation/overlayManager.ts';
import {
  describeProgress,
  readLabelsForVolume,
  type OverlayTask,
} from '../../segmentation/referenceSeg.ts';
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
  setOverlayTask,
  skip = false,
}: {
  /** true when the reference comes from elsewhere (a case opened from the cohort view) */
  skip?: boolean;
  controller: ViewportController | null;
  overlays: OverlayManager | null;
  series: SeriesSummary[] | null;
  activeSeries: string | null;
  dataSource: DataSource | undefined;
  studyUID: string;
  displayed: number;
  setOverlayStatus: (status: string | null) => void;
  setOverlayTask: (task: OverlayTask | null) => void;
}) {
  useEffect(() => {
    if (skip) return;
    if (!controller || !overlays || !series || !activeSeries || !dataSource || displayed === 0)
      return;
    if (segSeriesOf(series).length === 0 || overlays.labelVolume('reference')) return;
    const abort = new AbortController();
    const { signal } = abort;
    let cancelled = false; // by the user (Cancel), not by leaving the series
    const cancel = () => {
      cancelled = true;
      abort.abort();
    };
    // a labelmap the user loads while the SEG decodes wins over it
    const stamp = overlays.changeCount('reference');
    prewarmLabelFileWorker(); // its module loads while the SEG downloads
    (async () => {
      const { chosen, problems } = await chooseReferenceSeg(
        series,
        async (seg) => {
          const name = seg.SeriesDescription || 'the reference SEG';
          setOverlayTask({ text: `Loading ${name}…`, cancel });
          const t0 = performance.now();
          const [bytes] = await dataSource.retrieveInstances(studyUID, seg.SeriesInstanceUID);
          signal.throwIfAborted();
          const t1 = performance.now();
          // user timings of each phase, for `npm run bench:scale` (docs/performance.md)
          performance.measure('concord:load:reference:file', { start: t0, end: t1 });
          // the series' voxels start streaming only now: they share the browser's six
          // connections to the server with the SEG, which is wanted first (a 220 MB SEG took
          // 10 s behind 300 image requests, 1-2 s alone; docs/performance.md)
          const volume = await controller.ensureVolume();
          const read = await readLabelsForVolume(bytes, `${name}.dcm`, volume, activeSeries, {
            signal,
            onProgress: (p) => setOverlayTask({ ...describeProgress(name, p), cancel }),
          });
          performance.measure('concord:load:reference:read', { start: t1 });
          return { labels: read.labelmap, segments: read.segments ?? [] };
        },
        { signal },
      );
      signal.throwIfAborted();
      if (!chosen) {
        setOverlayTask(null);
        return setOverlayStatus(`No reference SEG for this series. ${problems.join('; ')}`);
      }
      if (overlays.changeCount('reference') !== stamp) return setOverlayTask(null);
      const volume = await controller.ensureVolume();
      setOverlayTask({ text: `Showing ${chosen.title}…`, fraction: 1, cancel });
      await overlays.setLabelmapInTasks('reference', volume, chosen.labels, chosen.title, {
        kind: 'dicom-seg',
      });
      setOverlayTask(null);
      setOverlayStatus(null);
    })().catch((e) => {
      if (signal.aborted && !cancelled) return; // left: the next series has its own status
      setOverlayTask(null);
      setOverlayStatus(
        cancelled ? 'Reference SEG: cancelled.' : `Reference SEG: ${userMessage(e)}`,
      );
    });
    return () => {
      abort.abort();
      setOverlayTask(null);
    };
    // setOverlayStatus and setOverlayTask are left out: the viewer's setters
  }, [controller, overlays, series, activeSeries, dataSource, studyUID, displayed, skip]);
}
