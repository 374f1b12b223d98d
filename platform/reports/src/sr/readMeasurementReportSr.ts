/**
 * Reads back what `writeMeasurementReportSr` writes (and TID 1500 reports shaped like it): the
 * measurement groups with their referenced segment and numbers, by concept code.
 */
import { InvalidInputError } from '@concord/core';
import { readPart10, type NaturalDataset } from '@concord/core';
import {
  CODES,
  SOP_CLASS,
  SR_MEASUREMENTS,
  sameCode,
  type Code,
  type SrMeasurementField,
} from './codes.ts';

export interface SrMeasurementGroup {
  trackingIdentifier?: string;
  trackingUid?: string;
  segment?: { sopClassUID: string; sopInstanceUID: string; segmentNumber: number };
  sourceSeriesInstanceUID?: string;
  finding?: Code;
  /** the structure label, from a Concord finding code `L<label>` */
  label?: number;
  values: Partial<Record<SrMeasurementField, number>>;
  units: Partial<Record<SrMeasurementField, string>>;
}

export interface SrDocument {
  sopClassUID: string;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  studyInstanceUID: string;
  templateIdentifier?: string;
  deviceObserverName?: string;
  deviceObserverModelName?: string;
  groups: SrMeasurementGroup[];
}

const list = (v: unknown): NaturalDataset[] =>
  v === undefined || v === null
    ? []
    : Array.isArray(v)
      ? (v as NaturalDataset[])
      : [v as NaturalDataset];
const first = (v: unknown): NaturalDataset | undefined => list(v)[0];
const scalar = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const concept = (item: NaturalDataset) => first(item.ConceptNameCodeSequence) as Code | undefined;

function readNumber(item: NaturalDataset): { value: number; unit?: string } | undefined {
  const mv = first(item.MeasuredValueSequence);
  if (!mv) return undefined;
  const fp = scalar(mv.FloatingPointValue);
  const value = typeof fp === 'number' ? fp : Number(scalar(mv.NumericValue));
  if (!Number.isFinite(value)) return undefined;
  const unit = first(mv.MeasurementUnitsCodeSequence) as Code | undefined;
  return { value, unit: unit?.CodeValue };
}

function readGroup(group: NaturalDataset): SrMeasurementGroup {
  const out: SrMeasurementGroup = { values: {}, units: {} };
  for (const item of list(group.ContentSequence)) {
    const name = concept(item);
    if (sameCode(name, CODES.trackingIdentifier))
      out.trackingIdentifier = String(item.TextValue ?? '');
    else if (sameCode(name, CODES.trackingUid)) out.trackingUid = String(item.UID ?? '');
    else if (sameCode(name, CODES.sourceSeriesForSegmentation))
      out.sourceSeriesInstanceUID = String(item.UID ?? '');
    else if (sameCode(name, CODES.referencedSegment)) {
      const ref = first(item.ReferencedSOPSequence);
      if (ref) {
        out.segment = {
          sopClassUID: String(ref.ReferencedSOPClassUID ?? ''),
          sopInstanceUID: String(ref.ReferencedSOPInstanceUID ?? ''),
          segmentNumber: Number(scalar(ref.ReferencedSegmentNumber)),
        };
      }
    } else if (sameCode(name, CODES.finding)) {
      out.finding = first(item.ConceptCodeSequence) as Code | undefined;
      const m = /^L(\d+)$/.exec(out.finding?.CodeValue ?? '');
      if (m && out.finding?.CodingSchemeDesignator === '99CONCORD') out.label = Number(m[1]);
    } else if (item.ValueType === 'NUM') {
      const m = SR_MEASUREMENTS.find((x) => sameCode(name, x.concept));
      const n = readNumber(item);
      if (m && n) {
        out.values[m.field] = n.value;
        if (n.unit) out.units[m.field] = n.unit;
      }
    }
  }
  return out;
}

export function readMeasurementReportSr(bytes: Uint8Array): SrDocument {
  let ds: NaturalDataset;
  try {
    ds = readPart10(bytes);
  } catch (e) {
    throw new InvalidInputError(`Not a readable DICOM file: ${(e as Error).message}`, { cause: e });
  }
  if (!sameCode(concept(ds), CODES.imagingMeasurementReport)) {
    throw new InvalidInputError('Not a DICOM SR Imaging Measurement Report (TID 1500)');
  }
  const groups: SrMeasurementGroup[] = [];
  let deviceObserverName: string | undefined;
  let deviceObserverModelName: string | undefined;
  for (const item of list(ds.ContentSequence)) {
    const name = concept(item);
    if (sameCode(name, CODES.deviceObserverName)) deviceObserverName = String(item.TextValue ?? '');
    if (sameCode(name, CODES.deviceObserverModelName))
      deviceObserverModelName = String(item.TextValue ?? '');
    if (!sameCode(name, CODES.imagingMeasurements)) continue;
    for (const g of list(item.ContentSequence)) {
      if (sameCode(concept(g), CODES.measurementGroup)) groups.push(readGroup(g));
    }
  }
  return {
    sopClassUID: String(ds.SOPClassUID ?? SOP_CLASS.enhancedSr),
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    studyInstanceUID: String(ds.StudyInstanceUID ?? ''),
    templateIdentifier: first(ds.ContentTemplateSequence)?.TemplateIdentifier as string | undefined,
    deviceObserverName,
    deviceObserverModelName,
    groups,
  };
}
