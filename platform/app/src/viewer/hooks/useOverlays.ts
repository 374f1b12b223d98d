/**
 * The overlays of the viewer: the registered overlay sources (the host's own and those the
 * extensions declare), one overlay manager per displayed series, and loading a labelmap file
 * the user chose into a structure source.
 */
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import type { Types } from '@cornerstonejs/core';
import {
  asPart10,
  createOverlaySourceRegistry,
  declaredOverlaySources,
  dicomSopClassUID,
  isGzip,
  readNiftiLabels,
  RTSTRUCT_SOP_CLASS_UID,
  userMessage,
  type LabelVolume,
  type OverlaySourceDefinition,
  type OverlaySourceRegistry,
  type ViewerHost,
} from '@concord/core';
import type { BootedApp } from '../../boot.ts';
import {
  OverlayManager,
  volumeGrid,
  type OverlaySource,
} from '../../segmentation/overlayManager.ts';
import { readRtStructForVolume, readSegForVolume } from '../../segmentation/referenceSeg.ts';
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
 * Reads a labelmap file the user chose: NIfTI (.nii / .nii.gz), or a DICOM SEG or RTSTRUCT of
 * the series (told apart by SOP class).
 */
export async function readLabelFile(
  file: File,
  volume: Types.IImageVolume,
  seriesUID: string,
): Promise<{ labelmap: LabelVolume; kind: 'nifti' | 'dicom-seg' | 'rtstruct'; notes?: string[] }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isGzip(bytes) || /\.nii(\.gz)?$/i.test(file.name))
    return { labelmap: readNiftiLabels(bytes), kind: 'nifti' };
  if (dicomSopClassUID(bytes) === RTSTRUCT_SOP_CLASS_UID) {
    const rt = readRtStructForVolume(bytes, volume, seriesUID);
    return { labelmap: rt.labels, kind: 'rtstruct', notes: rt.notes };
  }
  const seg = readSegForVolume(asPart10(bytes).buffer as ArrayBuffer, volume, seriesUID);
  return { labelmap: seg.labels, kind: 'dicom-seg' };
}

/** Loads a labelmap file into one source's overlay, reporting progress and errors as status. */
export function useOverlayFileLoader(
  host: ViewerHost | null,
  controller: ViewportController | null,
  setOverlayStatus: (status: string | null) => void,
  setWarning: (source: OverlaySource, warning: string | null) => void,
) {
  return useCallback(
    (source: OverlaySource, file: File) => {
      if (!host || !controller) return;
      setOverlayStatus(`Loading ${file.name}…`);
      setWarning(source, null);
      (async () => {
        const volume = await controller.ensureVolume();
        const { labelmap, kind, notes } = await readLabelFile(file, volume, host.seriesInstanceUID);
        // a NIfTI labelmap has numbers only; its structures are paired with the reference's by
        // the metric engine (docs/structures.md), which shows the names it matched
        host.showLabelmap(source, labelmap, file.name, { kind });
        // what an RTSTRUCT left out (POINT ROIs) or holds empty, in one line
        setOverlayStatus(notes?.length ? `${file.name}: ${notes.join('; ')}` : null);
        // shown, and said: a labelmap that may belong to another patient or series
        setWarning(source, labelmapWarning(labelmap, volumeGrid(volume), file.name));
      })().catch((e) => setOverlayStatus(`Could not show ${file.name}: ${userMessage(e)}`));
    },
    [host, controller, setOverlayStatus, setWarning],
  );
}
