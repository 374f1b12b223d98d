/**
 * Coded concepts of the TID 1500 Measurement Report. Standard DCM/SCT/UCUM codes where DICOM
 * has them; the overlap and surface-distance metrics have no standard code, so they live in a
 * private coding scheme (99CONCORD) declared in the SR's Coding Scheme Identification Sequence.
 */
export interface Code {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

const c = (CodeValue: string, CodingSchemeDesignator: string, CodeMeaning: string): Code => ({
  CodeValue,
  CodingSchemeDesignator,
  CodeMeaning,
});

export const PRIVATE_SCHEME = {
  CodingSchemeDesignator: '99CONCORD',
  CodingSchemeName: 'Concord segmentation evaluation',
  CodingSchemeResponsibleOrganization: 'Concord project',
} as const;

export const CODES = {
  imagingMeasurementReport: c('126000', 'DCM', 'Imaging Measurement Report'),
  languageOfContent: c('121049', 'DCM', 'Language of Content Item and Descendants'),
  english: c('en-US', 'RFC5646', 'English (United States)'),
  observerType: c('121005', 'DCM', 'Observer Type'),
  device: c('121007', 'DCM', 'Device'),
  deviceObserverUid: c('121012', 'DCM', 'Device Observer UID'),
  deviceObserverName: c('121013', 'DCM', 'Device Observer Name'),
  deviceObserverManufacturer: c('121014', 'DCM', 'Device Observer Manufacturer'),
  deviceObserverModelName: c('121015', 'DCM', 'Device Observer Model Name'),
  procedureReported: c('121058', 'DCM', 'Procedure reported'),
  imagingProcedure: c('363679005', 'SCT', 'Imaging procedure'),
  imageLibrary: c('111028', 'DCM', 'Image Library'),
  imageLibraryGroup: c('126200', 'DCM', 'Image Library Group'),
  imagingMeasurements: c('126010', 'DCM', 'Imaging Measurements'),
  measurementGroup: c('125007', 'DCM', 'Measurement Group'),
  trackingIdentifier: c('112039', 'DCM', 'Tracking Identifier'),
  trackingUid: c('112040', 'DCM', 'Tracking Unique Identifier'),
  referencedSegment: c('121191', 'DCM', 'Referenced Segment'),
  sourceSeriesForSegmentation: c('121232', 'DCM', 'Source series for segmentation'),
  finding: c('121071', 'DCM', 'Finding'),
  algorithmName: c('111001', 'DCM', 'Algorithm Name'),
  algorithmVersion: c('111003', 'DCM', 'Algorithm Version'),
  volume: c('118565006', 'SCT', 'Volume'),
  dice: c('DSC', '99CONCORD', 'Dice similarity coefficient'),
  jaccard: c('JAC', '99CONCORD', 'Jaccard index'),
  hd95: c('HD95', '99CONCORD', '95th percentile Hausdorff distance'),
  assd: c('ASSD', '99CONCORD', 'Average symmetric surface distance'),
  referenceVolume: c('VREF', '99CONCORD', 'Reference segmentation volume'),
} as const;

export const UNITS = {
  ratio: c('{ratio}', 'UCUM', 'ratio'),
  mm: c('mm', 'UCUM', 'millimeter'),
  ml: c('ml', 'UCUM', 'milliliter'),
} as const;

/** The structure-level measurements of the SR: report field, concept, unit. */
export const SR_MEASUREMENTS = [
  { field: 'dice', concept: CODES.dice, unit: UNITS.ratio },
  { field: 'jaccard', concept: CODES.jaccard, unit: UNITS.ratio },
  { field: 'hd95', concept: CODES.hd95, unit: UNITS.mm },
  { field: 'assd', concept: CODES.assd, unit: UNITS.mm },
  { field: 'volumePredMl', concept: CODES.volume, unit: UNITS.ml },
  { field: 'volumeRefMl', concept: CODES.referenceVolume, unit: UNITS.ml },
] as const;

export type SrMeasurementField = (typeof SR_MEASUREMENTS)[number]['field'];

export const sameCode = (a: Partial<Code> | undefined, b: Code): boolean =>
  !!a && a.CodeValue === b.CodeValue && a.CodingSchemeDesignator === b.CodingSchemeDesignator;

export const SOP_CLASS = {
  enhancedSr: '1.2.840.10008.5.1.4.1.1.88.22',
  segmentation: '1.2.840.10008.5.1.4.1.1.66.4',
} as const;
