/**
 * Reads a DICOM SEG or RTSTRUCT onto the displayed series with @concord/core's readers,
 * describing the series from what Cornerstone already knows (geometry, SOP Instance UIDs per
 * slice).
 * Which SEG of a study becomes the reference is @concord/core's rule (`chooseReferenceSeg`).
 */
import { metaData, type Types } from '@cornerstonejs/core';
import {
  readDicomSeg,
  readRtStruct,
  type DicomInstanceMetadata,
  type DicomSegResult,
  type RtStructResult,
  type DicomSeriesResult,
  type Vec3,
} from '@concord/core';
import { volumeGrid } from './overlayManager.ts';

export function seriesOfVolume(volume: Types.IImageVolume, seriesUID: string): DicomSeriesResult {
  const grid = volumeGrid(volume);
  const metas = volume.imageIds.map((id) => {
    const sop = metaData.get('sopCommonModule', id) as { sopInstanceUID?: string } | undefined;
    const plane = metaData.get('imagePlaneModule', id) as
      { imagePositionPatient?: number[] } | undefined;
    return {
      sop: String(sop?.sopInstanceUID ?? ''),
      position: (plane?.imagePositionPatient ?? [0, 0, 0]) as Vec3,
    };
  });
  return {
    volume: { ...grid, data: new Uint8Array(0) },
    studyInstanceUID: '',
    seriesInstanceUID: seriesUID,
    frameOfReferenceUID: grid.frameOfReferenceUID,
    modality: volume.metadata?.Modality,
    sopClassUID: '',
    sopInstanceUIDs: metas.map((m) => m.sop),
    // the reader only asks whether any source instance is multi-frame
    instanceMetadata: metas.map(
      (m) => ({ SOPInstanceUID: m.sop, NumberOfFrames: 1 }) as DicomInstanceMetadata,
    ),
    slices: metas.map((m) => ({
      sopInstanceUID: m.sop,
      frameIndex: 0,
      file: '',
      position: m.position,
    })),
    warnings: [],
  };
}

export function readSegForVolume(
  bytes: ArrayBuffer,
  volume: Types.IImageVolume,
  seriesUID: string,
): DicomSegResult {
  return readDicomSeg(new Uint8Array(bytes), seriesOfVolume(volume, seriesUID));
}

export function readRtStructForVolume(
  bytes: Uint8Array,
  volume: Types.IImageVolume,
  seriesUID: string,
): RtStructResult {
  return readRtStruct(bytes, seriesOfVolume(volume, seriesUID));
}
