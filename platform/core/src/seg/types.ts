import type { CodedConcept, LabelInfo } from '../geometry/index.ts';

export type { CodedConcept };

export type SegmentAlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

/** One segment of a DICOM SEG as read. */
export interface SegmentInfo {
  segmentNumber: number;
  /** label value of this segment in the returned LabelVolume (= segmentNumber) */
  label: number;
  name: string;
  description?: string;
  /** sRGB from RecommendedDisplayCIELabValue */
  color?: [number, number, number];
  algorithmType: SegmentAlgorithmType | string;
  algorithmName?: string;
  category?: CodedConcept;
  type?: CodedConcept;
  /** SegmentedPropertyTypeModifierCodeSequence inside the type code (e.g. left/right) */
  typeModifier?: CodedConcept;
  anatomicRegion?: CodedConcept;
  anatomicRegionModifier?: CodedConcept;
}

/**
 * What writeDicomSeg needs per label: LabelInfo plus optional DICOM coding. The codes written
 * are `codes` (LabelInfo.codes) first, then `category` / `type`, then the generic defaults.
 */
export interface SegmentDefinition extends LabelInfo {
  description?: string;
  /** SegmentedPropertyCategoryCodeSequence; default SCT 91723000 "Anatomical structure" */
  category?: CodedConcept;
  /** SegmentedPropertyTypeCodeSequence; default SCT 85756007 "Tissue" */
  type?: CodedConcept;
}

export const DEFAULT_CATEGORY: CodedConcept = {
  CodeValue: '91723000',
  CodingSchemeDesignator: 'SCT',
  CodeMeaning: 'Anatomical structure',
};
export const DEFAULT_TYPE: CodedConcept = {
  CodeValue: '85756007',
  CodingSchemeDesignator: 'SCT',
  CodeMeaning: 'Tissue',
};

export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';
/** Label Map Segmentation Storage (DICOM 2024, Sup 243): 8/16-bit frames of segment numbers. */
export const LABELMAP_SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.7';
