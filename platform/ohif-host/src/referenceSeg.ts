/**
 * The study's reference DICOM SEG in stock OHIF. OHIF 3.13 cannot read the sample's SEG itself
 * (docs/ohif.md), so a worker downloads the SEG instance the display set names and reads it with
 * @concord/core's reader onto the displayed series, as Concord's own viewer does
 * (`readLabelFileAtInWorker`: decoded as it downloads, the labelmap comes back moved); the host then
 * shows it through OHIF's segmentationService as the `reference` source.
 */
import {
  chooseReferenceSeg,
  readLabelFileAtInWorker,
  seriesForLabelReaders,
  type DicomSeriesResult,
  type LabelFileLocation,
  type LabelVolume,
  type ReferenceSegChoice,
  type Vec3,
} from '@concord/core';
import type { CsImageVolume, HostCornerstone, OhifDisplaySet, OhifInstance } from './ohifTypes.ts';
import { volumeGrid } from './overlays.ts';

export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';

export function isSegDisplaySet(ds: OhifDisplaySet): boolean {
  return ds.Modality === 'SEG' || ds.SOPClassUID === SEG_SOP_CLASS_UID;
}

/** The SEG display sets of a study that may reference `seriesUID` (OHIF may not know which). */
export function segDisplaySetsOf(all: OhifDisplaySet[], studyUID: string): OhifDisplaySet[] {
  return all.filter((d) => d.StudyInstanceUID === studyUID && isSegDisplaySet(d));
}

/** The Part 10 file URL of a display set's (first) instance, where OHIF has one (DICOM JSON). */
export function instanceUrl(ds: OhifDisplaySet): string | null {
  const inst: OhifInstance | undefined = ds.instance ?? ds.instances?.[0];
  if (!inst) return null;
  const raw = String(inst.url ?? '');
  const direct = raw.replace(/^(dicomweb|wadouri|dicomfile):/, '');
  return /^https?:\/\/|^\//.test(direct) ? direct : null;
}

/**
 * Where a worker gets a display set's (first) instance: its DICOM JSON URL, else WADO-RS. The
 * worker downloads it itself, so a 200 MB SEG never passes OHIF's main thread.
 */
export function instanceLocation(
  ds: OhifDisplaySet,
  wadoRoot: string | undefined,
): LabelFileLocation {
  const url = instanceUrl(ds);
  if (url) return { url: new URL(url, globalThis.location?.href).href };
  const sop = (ds.instance ?? ds.instances?.[0])?.SOPInstanceUID;
  if (!wadoRoot || !sop) throw new Error('OHIF gives no address for its instance');
  return {
    dicomWeb: {
      root: new URL(wadoRoot, globalThis.location?.href).href,
      studyInstanceUID: ds.StudyInstanceUID,
      seriesInstanceUID: ds.SeriesInstanceUID,
      sopInstanceUID: sop,
    },
  };
}

/** The series shown, as the SEG reader needs it (geometry and SOP Instance UIDs per slice). */
export function seriesOfVolume(
  cs: HostCornerstone,
  volume: CsImageVolume,
  seriesUID: string,
): DicomSeriesResult {
  const slices = volume.imageIds.map((id) => {
    const sop = cs.cornerstone.metaData.get('sopCommonModule', id) as
      { sopInstanceUID?: string } | undefined;
    const plane = cs.cornerstone.metaData.get('imagePlaneModule', id) as
      { imagePositionPatient?: number[] } | undefined;
    return {
      sopInstanceUID: String(sop?.sopInstanceUID ?? ''),
      position: (plane?.imagePositionPatient ?? [0, 0, 0]) as Vec3,
    };
  });
  return seriesForLabelReaders(volumeGrid(volume), seriesUID, slices, volume.metadata?.Modality);
}

/**
 * Downloads the study's SEGs one by one and reads each onto the series, both in a worker (neither
 * the bytes nor the decoding pass the page's main thread) and picks the reference by core's rule
 * (`chooseReferenceSeg`: an annotator's SEG wins over a model's).
 */
export async function loadReferenceSeg(
  cs: HostCornerstone,
  volume: CsImageVolume,
  seriesUID: string,
  segs: OhifDisplaySet[],
  options: { wadoRoot?: string; signal?: AbortSignal } = {},
): Promise<ReferenceSegChoice<LabelVolume, SegCandidate>> {
  const series = seriesOfVolume(cs, volume, seriesUID);
  const candidates: SegCandidate[] = segs.map((ds) => ({
    SeriesInstanceUID: ds.SeriesInstanceUID,
    Modality: 'SEG',
    SeriesDescription: ds.SeriesDescription,
    displaySet: ds,
  }));
  return chooseReferenceSeg(
    candidates,
    async (c) => {
      const read = await readLabelFileAtInWorker(
        instanceLocation(c.displaySet, options.wadoRoot),
        { name: `${c.SeriesDescription || 'reference'}.dcm`, series },
        { signal: options.signal },
      );
      if (read.kind !== 'dicom-seg')
        throw new Error(`the SEG display set's instance is a ${read.kind}, not a DICOM SEG`);
      return { labels: read.labelmap, segments: read.segments ?? [] };
    },
    { signal: options.signal },
  );
}

export interface SegCandidate {
  SeriesInstanceUID: string;
  Modality: string;
  SeriesDescription?: string;
  displaySet: OhifDisplaySet;
}
