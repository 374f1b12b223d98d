/**
 * The study's DICOM SEG that references the displayed series becomes the reference overlay,
 * chosen by @concord/core's rule (`chooseReferenceSeg`: an annotator's SEG wins over a
 * model's). Runs once per series, after its first image, when no reference is shown yet. The
 * SEG is downloaded and decoded in a worker with progress and can be cancelled; the labelmap is
 * shown in short main-thread steps (docs/architecture.md#workers); the series' voxels stream
 * after it.
 */
import { useEffect } from 'react';
import {
  chooseReferenceSeg,
  readLabelFileAtInWorker,
  prewarmLabelFileWorker,
  segSeriesOf,
  userMessage,
  type ReadLabelFileProgress,
} from '@concord/core';
import type { DataSource, SeriesSummary } from '../../dataSources/types.ts';
import type { OverlayManager } from '../../segmentation/overlayManager.ts';
import {
  describeProgress,
  readLabelsForVolume,
  seriesOfVolume,
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
    if (!controller || !overlays || !series || !activeSeries || !dataSource || displayed === 0)
      return;
    // the series' voxels stream once the reference is shown, or at once when there is none
    // to wait for: until then they would share the network and the CPU with the SEG
    // (ViewportController.ensureVolume, docs/performance.md)
    const loadVoxels = () => void controller.startLoading().catch(() => {});
    if (skip || segSeriesOf(series).length === 0 || overlays.labelVolume('reference'))
      return loadVoxels();
    const abort = new AbortController();
    const { signal } = abort;
    let cancelled = false; // by the user (Cancel), not by leaving the series
    const cancel = () => {
      cancelled = true;
      abort.abort();
    };
    // a labelmap the user loads while the SEG decodes wins over it
    const stamp = overlays.changeCount('reference');
    prewarmLabelFileWorker(); // its module loads while the page asks where the SEG is
    (async () => {
      const { chosen, problems } = await chooseReferenceSeg(
        series,
        async (seg) => {
          const name = seg.SeriesDescription || 'the reference SEG';
          setOverlayTask({ text: `Loading ${name}…`, cancel });
          const t0 = performance.now();
          const volume = await controller.ensureVolume(); // its geometry: no voxels yet
          const options = {
            signal,
            onProgress: (p: ReadLabelFileProgress) =>
              setOverlayTask({ ...describeProgress(name, p), cancel }),
          };
          const fileName = `${name}.dcm`;
          // on a server, a worker downloads the SEG and decodes it as it arrives (its bytes
          // never pass this thread: Chromium assembled a 220 MB body here in a 1.5 s task);
          // files dropped on the page are already in memory
          const [location] =
            (await dataSource.instanceLocations?.(studyUID, seg.SeriesInstanceUID)) ?? [];
          const read = location
            ? await readLabelFileAtInWorker(
                location,
                { name: fileName, series: seriesOfVolume(volume, activeSeries) },
                options,
              )
            : await readLabelsForVolume(
                (await dataSource.retrieveInstances(studyUID, seg.SeriesInstanceUID))[0],
                fileName,
                volume,
                activeSeries,
                options,
              );
          // user timings of each phase, for `npm run bench:scale` (docs/performance.md)
          performance.measure('concord:load:reference:read', { start: t0 });
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
    })()
      .catch((e) => {
        if (signal.aborted && !cancelled) return; // left: the next series has its own status
        setOverlayTask(null);
        setOverlayStatus(
          cancelled ? 'Reference SEG: cancelled.' : `Reference SEG: ${userMessage(e)}`,
        );
      })
      .finally(() => {
        if (signal.aborted && !cancelled) return;
        // after the panels have drawn the reference's structure list
        if (typeof requestIdleCallback === 'function')
          requestIdleCallback(loadVoxels, { timeout: 1000 });
        else setTimeout(loadVoxels, 0);
      });
    return () => {
      abort.abort();
      setOverlayTask(null);
    };
    // setOverlayStatus and setOverlayTask are left out: the viewer's setters
  }, [controller, overlays, series, activeSeries, dataSource, studyUID, displayed, skip]);
}
