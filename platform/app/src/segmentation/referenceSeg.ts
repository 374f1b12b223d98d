/**
 * Reads a DICOM SEG, RTSTRUCT or NIfTI labelmap onto the displayed series with @concord/core's
 * readers in a worker, describing the series from what Cornerstone already knows (geometry, SOP
 * Instance UIDs per slice).
 * Which SEG of a study becomes the reference is @concord/core's rule (`chooseReferenceSeg`).
 */
import { metaData, type Types } from '@cornerstonejs/core';
import {
  readLabelFileInWorker,
  seriesForLabelReaders,
  type DicomSeriesResult,
  type ReadLabelFileOutput,
  type ReadLabelFileProgress,
  type Vec3,
} from '@concord/core';
import { volumeGrid } from './overlayManager.ts';

export function seriesOfVolume(volume: Types.IImageVolume, seriesUID: string): DicomSeriesResult {
  const slices = volume.imageIds.map((id) => {
    const sop = metaData.get('sopCommonModule', id) as { sopInstanceUID?: string } | undefined;
    const plane = metaData.get('imagePlaneModule', id) as
      { imagePositionPatient?: number[] } | undefined;
    return {
      sopInstanceUID: String(sop?.sopInstanceUID ?? ''),
      position: (plane?.imagePositionPatient ?? [0, 0, 0]) as Vec3,
    };
  });
  return seriesForLabelReaders(volumeGrid(volume), seriesUID, slices, volume.metadata?.Modality);
}

/** What a label-file read is doing, for the Overlays panel (text, and a fraction when known). */
export interface OverlayTask {
  text: string;
  /** 0..1, absent while the step has no measure */
  fraction?: number;
  /** Stops the read (its worker is terminated) */
  cancel?: () => void;
}

/** One line of progress for a label-file read of `name`. */
export function describeProgress(name: string, p: ReadLabelFileProgress): OverlayTask {
  if (p.phase === 'decode')
    return {
      text: `Decoding ${name}: ${Math.round(100 * (p.fraction ?? 0))} %`,
      fraction: p.fraction,
    };
  if (p.phase === 'align') return { text: `Placing ${name} on the series…`, fraction: 1 };
  if (p.phase === 'download' && p.fraction !== undefined)
    return {
      text: `Downloading ${name}: ${Math.round(100 * p.fraction)} %`,
      fraction: p.fraction,
    };
  return { text: `Reading ${name}…` };
}

/**
 * Reads a DICOM SEG, RTSTRUCT or NIfTI labelmap onto the displayed series in a worker of its
 * own (docs/architecture.md#workers): the bytes move there, the labelmap comes back moved. An
 * aborted signal terminates the worker.
 */
export function readLabelsForVolume(
  bytes: ArrayBuffer,
  name: string,
  volume: Types.IImageVolume,
  seriesUID: string,
  options: { signal?: AbortSignal; onProgress?: (p: ReadLabelFileProgress) => void } = {},
): Promise<ReadLabelFileOutput> {
  return readLabelFileInWorker({ bytes, name, series: seriesOfVolume(volume, seriesUID) }, options);
}
