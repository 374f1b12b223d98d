/**
 * DICOM SR "Imaging Measurement Report" (TID 1500, Enhanced SR) with one Volumetric ROI
 * measurement group (TID 1411) per structure: Dice, Jaccard, HD95, ASSD, model and reference
 * volumes as NUM items, each group referencing its segment of the model's DICOM SEG
 * (Referenced Segment) and the source series.
 */
import type { EvaluationReport } from '../report/types.ts';
import { stripControlChars } from '../text/sanitize.ts';
import { dsString, newUid } from '@concord/core';
import { dicomDateTime, writePart10, type NaturalDataset } from '@concord/core';
import { CODES, PRIVATE_SCHEME, SOP_CLASS, SR_MEASUREMENTS, type Code } from './codes.ts';

/** Patient and study of the source series: the SR joins that study (copied, as a SEG does). */
export interface DicomPatientStudy {
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyInstanceUID: string;
  studyDate?: string;
  studyTime?: string;
  studyId?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
}

export interface SourceSeriesRef {
  seriesInstanceUID: string;
  instances: Array<{ sopClassUID: string; sopInstanceUID: string }>;
}

/** The model's DICOM SEG and which segment number holds which label. */
export interface SegmentationRef {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  sopClassUID?: string;
  segments: Array<{ label: number; segmentNumber: number }>;
}

export interface SrInput {
  report: EvaluationReport;
  patientStudy: DicomPatientStudy;
  source: SourceSeriesRef;
  segmentation: SegmentationRef;
}

export interface SrOptions {
  sopInstanceUID?: string;
  seriesInstanceUID?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  seriesDescription?: string;
  manufacturer?: string;
  /** content date/time (default: now) */
  now?: Date;
}

export interface SrResult {
  bytes: Uint8Array;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  /** labels of structures that got a measurement group */
  labels: number[];
  /** labels left out because the SEG has no segment for them (e.g. empty prediction) */
  skippedLabels: number[];
}

type Rel = 'CONTAINS' | 'HAS CONCEPT MOD' | 'HAS OBS CONTEXT';

/** DICOM text value: no control characters except the ones UT allows (CR, LF, TAB, FF). */
const dicomText = (s: string) => stripControlChars(s).trim();
/**
 * LO-type value: single line, no backslash (the VM separator), at most 64 bytes of UTF-8
 * (validators count bytes, not characters), cut at a character boundary.
 */
function longString(s: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of dicomText(s).replace(/[\r\n\t\f\\]/g, ' ')) {
    bytes += new TextEncoder().encode(ch).length;
    if (bytes > 64) break;
    out += ch;
  }
  return out.trim();
}

const container = (rel: Rel | null, concept: Code, children: NaturalDataset[]): NaturalDataset => ({
  ...(rel ? { RelationshipType: rel } : {}),
  ValueType: 'CONTAINER',
  ConceptNameCodeSequence: [concept],
  ContinuityOfContent: 'SEPARATE',
  ContentSequence: children,
});
const codeItem = (rel: Rel, concept: Code, value: Code): NaturalDataset => ({
  RelationshipType: rel,
  ValueType: 'CODE',
  ConceptNameCodeSequence: [concept],
  ConceptCodeSequence: [value],
});
const textItem = (rel: Rel, concept: Code, value: string): NaturalDataset => ({
  RelationshipType: rel,
  ValueType: 'TEXT',
  ConceptNameCodeSequence: [concept],
  TextValue: dicomText(value) || '(unnamed)',
});
const uidItem = (rel: Rel, concept: Code, uid: string): NaturalDataset => ({
  RelationshipType: rel,
  ValueType: 'UIDREF',
  ConceptNameCodeSequence: [concept],
  UID: uid,
});
const numItem = (concept: Code, value: number, unit: Code): NaturalDataset => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'NUM',
  ConceptNameCodeSequence: [concept],
  MeasuredValueSequence: [
    {
      MeasurementUnitsCodeSequence: [unit],
      NumericValue: dsString(value),
      // DS keeps 16 characters; the exact double goes alongside (Floating Point Value)
      FloatingPointValue: value,
    },
  ],
});

/** Code of a structure in the private scheme, e.g. (L1, 99CONCORD, "Left thalamus"). */
function structureCode(label: number, name: string): Code {
  return {
    CodeValue: `L${label}`,
    CodingSchemeDesignator: PRIVATE_SCHEME.CodingSchemeDesignator,
    CodeMeaning: longString(name) || `label ${label}`,
  };
}

export function writeMeasurementReportSr(input: SrInput, options: SrOptions = {}): SrResult {
  const { report, patientStudy: ps, source, segmentation } = input;
  const now = options.now ?? new Date();
  const { date, time } = dicomDateTime(now);
  const sopInstanceUID = options.sopInstanceUID ?? newUid();
  const seriesInstanceUID = options.seriesInstanceUID ?? newUid();
  const segClass = segmentation.sopClassUID ?? SOP_CLASS.segmentation;
  const segmentOf = new Map(segmentation.segments.map((s) => [s.label, s.segmentNumber]));
  const model = report.prediction.model;

  const groups: NaturalDataset[] = [];
  const labels: number[] = [];
  const skippedLabels: number[] = [];
  for (const s of report.structures) {
    const segmentNumber = segmentOf.get(s.label);
    if (segmentNumber === undefined) {
      skippedLabels.push(s.label);
      continue;
    }
    labels.push(s.label);
    const nums: NaturalDataset[] = [];
    for (const m of SR_MEASUREMENTS) {
      const v = s[m.field];
      // an undefined metric (e.g. a distance to an empty mask) is left out, not faked
      if (typeof v === 'number' && Number.isFinite(v)) nums.push(numItem(m.concept, v, m.unit));
    }
    groups.push(
      container('CONTAINS', CODES.measurementGroup, [
        textItem('CONTAINS', CODES.trackingIdentifier, `${s.label} ${s.name}`),
        uidItem('CONTAINS', CODES.trackingUid, newUid()),
        {
          RelationshipType: 'CONTAINS',
          ValueType: 'IMAGE',
          ConceptNameCodeSequence: [CODES.referencedSegment],
          ReferencedSOPSequence: [
            {
              ReferencedSOPClassUID: segClass,
              ReferencedSOPInstanceUID: segmentation.sopInstanceUID,
              ReferencedSegmentNumber: segmentNumber,
            },
          ],
        },
        uidItem('CONTAINS', CODES.sourceSeriesForSegmentation, source.seriesInstanceUID),
        codeItem('HAS CONCEPT MOD', CODES.finding, structureCode(s.label, s.name)),
        ...nums,
      ]),
    );
  }

  const library = container('CONTAINS', CODES.imageLibrary, [
    container(
      'CONTAINS',
      CODES.imageLibraryGroup,
      source.instances.map((i) => ({
        RelationshipType: 'CONTAINS',
        ValueType: 'IMAGE',
        ReferencedSOPSequence: [
          { ReferencedSOPClassUID: i.sopClassUID, ReferencedSOPInstanceUID: i.sopInstanceUID },
        ],
      })),
    ),
  ]);

  const observer: NaturalDataset[] = [
    codeItem('HAS OBS CONTEXT', CODES.observerType, CODES.device),
    uidItem('HAS OBS CONTEXT', CODES.deviceObserverUid, deviceUid(report)),
    textItem('HAS OBS CONTEXT', CODES.deviceObserverName, report.tool.name),
    textItem('HAS OBS CONTEXT', CODES.deviceObserverManufacturer, 'Concord'),
    ...(model
      ? [
          textItem(
            'HAS OBS CONTEXT',
            CODES.deviceObserverModelName,
            `${model.name} ${model.version}`,
          ),
        ]
      : []),
  ];

  const evidence = [
    {
      StudyInstanceUID: ps.studyInstanceUID,
      ReferencedSeriesSequence: [
        {
          SeriesInstanceUID: source.seriesInstanceUID,
          ReferencedSOPSequence: source.instances.map((i) => ({
            ReferencedSOPClassUID: i.sopClassUID,
            ReferencedSOPInstanceUID: i.sopInstanceUID,
          })),
        },
        {
          SeriesInstanceUID: segmentation.seriesInstanceUID,
          ReferencedSOPSequence: [
            {
              ReferencedSOPClassUID: segClass,
              ReferencedSOPInstanceUID: segmentation.sopInstanceUID,
            },
          ],
        },
      ],
    },
  ];

  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SOP_CLASS.enhancedSr,
    SOPInstanceUID: sopInstanceUID,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    CodingSchemeIdentificationSequence: [{ ...PRIVATE_SCHEME }],
    // Patient and General Study: copied from the source so the SR files with its study
    PatientName: ps.patientName ?? '',
    PatientID: ps.patientId ?? '',
    PatientBirthDate: ps.patientBirthDate ?? '',
    PatientSex: ps.patientSex ?? '',
    StudyInstanceUID: ps.studyInstanceUID,
    StudyDate: ps.studyDate ?? '',
    StudyTime: ps.studyTime ?? '',
    ReferringPhysicianName: ps.referringPhysicianName ?? '',
    StudyID: ps.studyId ?? '',
    AccessionNumber: ps.accessionNumber ?? '',
    // SR Document Series + General Equipment
    Modality: 'SR',
    SeriesInstanceUID: seriesInstanceUID,
    SeriesNumber: options.seriesNumber ?? 901,
    SeriesDescription: longString(options.seriesDescription ?? 'Concord evaluation report'),
    SeriesDate: date,
    SeriesTime: time,
    ReferencedPerformedProcedureStepSequence: [],
    Manufacturer: longString(options.manufacturer ?? 'Concord'),
    SoftwareVersions: longString(`${report.tool.name} ${report.tool.version}`),
    // SR Document General
    InstanceNumber: options.instanceNumber ?? 1,
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ContentDate: date,
    ContentTime: time,
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: evidence,
    // SR Document Content: the TID 1500 root
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [CODES.imagingMeasurementReport],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    ContentSequence: [
      codeItem('HAS CONCEPT MOD', CODES.languageOfContent, CODES.english),
      ...observer,
      codeItem('HAS CONCEPT MOD', CODES.procedureReported, CODES.imagingProcedure),
      library,
      container('CONTAINS', CODES.imagingMeasurements, groups),
    ],
  };
  return {
    bytes: writePart10(dataset),
    sopInstanceUID,
    seriesInstanceUID,
    labels,
    skippedLabels,
  };
}

/** A stable Device Observer UID per tool + model (2.25 from a hash), so reports group by device. */
function deviceUid(report: EvaluationReport): string {
  const key = `${report.tool.name}|${report.prediction.model?.sha256 ?? report.prediction.source}`;
  let h = 0n;
  for (const ch of key) h = (h * 131n + BigInt(ch.codePointAt(0) ?? 0)) % (1n << 120n);
  return `2.25.${h}`;
}
