/**
 * The overlays of the viewer: the registered overlay sources (the host's own and those the
 * extensions declare), one overlay manager per displayed series, and loading a labelmap file
 * the user chose into a structure source (in a worker, cancellable).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  createOverlaySourceRegistry,
  declaredOverlaySources,
  readLabelFileAtInWorker,
  userMessage,
  type OverlaySourceDefinition,
  type OverlaySourceRegistry,
  type ReadLabelFileOutput,
  type ViewerHost,
} from '@concord/core';
import type { BootedApp } from '../../boot.ts';
import {
  OverlayManager,
  volumeGrid,
  type OverlaySource,
} from '../../segmentation/overlayManager.ts';
import {
  describeProgress,
  seriesOfVolume,
  type OverlayTask,
} from '../../segmentation/referenceSeg.ts';
import { labelmapWarning } from '../../segmentation/provenance.ts';
import type { ViewportController } from '../viewportController.ts';

/**
 * One registry of overlay sources per viewer page, with the sources the extensions declare
 * registered once their modules are loaded; `sources` re-renders on every change.
 */
export function useOverlaySources(ohif: BootedApp | null): {
  registry: OverlaySourceRegistry;
  sources: OverlaySourceDefinition[];
} {
  const [registry] = useState(() => createOverlaySourceRegistry());
  const [sources, setSources] = useState(() => registry.list());
  useEffect(() => {
    const off = registry.subscribe(() => setSources(registry.list()));
    // sources registered before this effect ran (the layout effect below runs first)
    setSources(registry.list());
    return off;
  }, [registry]);
  // a layout effect: registered before any panel's effect can show a labelmap of the source
  useLayoutEffect(() => {
    if (!ohif) return;
    const declared = declaredOverlaySources(
      ohif.extensionManager.getModulesByType('utilityModule'),
    );
    const removals = declared.map((d) => registry.register(d));
    return () => removals.forEach((remove) => remove());
  }, [ohif, registry]);
  return { registry, sources };
}

/** One overlay manager per displayed series; re-attached to the viewports of each layout. */
export function useOverlayManager(
  activeSeries: string | null,
  registry: OverlaySourceRegistry,
  controller: ViewportController | null,
  displayed: number,
): OverlayManager | null {
  const [overlays, setOverlays] = useState<OverlayManager | null>(null);
  useEffect(() => {
    if (!activeSeries) return;
    const m = new OverlayManager(activeSeries, registry);
    setOverlays(m);
    return () => m.destroy();
  }, [activeSeries, registry]);
  useEffect(() => {
    if (controller && overlays && displayed > 0) overlays.attach(controller.viewportIds());
  }, [controller, overlays, displayed]);
  return overlays;
}

/**
 * Loads a labelmap file the user chose (NIfTI, or a DICOM SEG or RTSTRUCT of the series, told
 * apart by content) into one source's overlay: decoded in a worker with progress and Cancel,
 * shown in short main-thread steps, errors as one status line.
 */
export function useOverlayFileLoader(
  host: ViewerHost | null,
  controller: ViewportController | null,
  setOverlayStatus: (status: string | null) => void,
  setWarning: (source: OverlaySource, warning: string | null) => void,
  setOverlayTask: (task: OverlayTask | null) => void,
) {
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);
  return useCallback(
    (source: OverlaySource, file: File): Promise<void> => {
      if (!host || !controller) return Promise.resolve();
      running.current?.abort(); // one file at a time: a new choice replaces the one loading
      const abort = new AbortController();
      running.current = abort;
      const { signal } = abort;
      let cancelled = false;
      const cancel = () => {
        cancelled = true;
        abort.abort();
      };
      setOverlayStatus(null);
      setOverlayTask({ text: `Loading ${file.name}…`, cancel });
      setWarning(source, null);
      return (async () => {
        const t0 = performance.now();
        const volume = await controller.ensureVolume();
        // the worker reads the file itself (its bytes never pass this thread) and decodes a
        // SEG as it reads it; the series' voxels wait meanwhile
        const releaseVoxels = controller.holdVoxelStream();
        let read: ReadLabelFileOutput;
        try {
          read = await readLabelFileAtInWorker(
            { blob: file },
            { name: file.name, series: seriesOfVolume(volume, host.seriesInstanceUID) },
            {
              signal,
              onProgress: (p) => setOverlayTask({ ...describeProgress(file.name, p), cancel }),
            },
          );
          signal.throwIfAborted();
          // user timings of each phase, for `npm run bench:scale` (docs/performance.md)
          performance.measure(`concord:load:${source}:read`, { start: t0 });
          setOverlayTask({ text: `Showing ${file.name}…`, fraction: 1, cancel });
          // a NIfTI labelmap has numbers only; its structures are paired with the reference's by
          // the metric engine (docs/structures.md), which shows the names it matched
          await host.showLabelmapInTasks(source, read.labelmap, file.name, { kind: read.kind });
        } finally {
          releaseVoxels();
        }
        const { notes, sourceGrid } = read;
        signal.throwIfAborted();
        setOverlayTask(null);
        // what an RTSTRUCT left out (POINT ROIs) or holds empty, in one line
        setOverlayStatus(notes?.length ? `${file.name}: ${notes.join('; ')}` : null);
        // shown, and said: a labelmap that may belong to another patient or series
        setWarning(source, labelmapWarning(sourceGrid, volumeGrid(volume), file.name));
      })().catch((e) => {
        if (running.current !== abort) return; // replaced by a newer file: it owns the status
        setOverlayTask(null);
        setOverlayStatus(
          cancelled
            ? `Loading ${file.name}: cancelled.`
            : `Could not show ${file.name}: ${userMessage(e)}`,
        );
      });
    },
    [host, controller, setOverlayStatus, setWarning, setOverlayTask],
  );
}
