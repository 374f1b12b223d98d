/**
 * The part of dcmjs the SEG codec uses, typed here (dcmjs ships no types). Naturalised data
 * sets are plain objects keyed by attribute keyword; sequences are arrays of such objects.
 */
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- untyped package; the surface we use is declared by DcmjsApi below
import dcmjsModule from 'dcmjs';

export type NaturalDataset = Record<string, unknown>;

interface DicomDictInstance {
  dict: Record<string, unknown>;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}

interface DcmjsApi {
  data: {
    DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options?: Record<string, unknown>,
      ): { meta: Record<string, unknown>; dict: Record<string, unknown> };
    };
    DicomMetaDictionary: {
      naturalizeDataset(d: Record<string, unknown>): NaturalDataset;
      denaturalizeDataset(d: NaturalDataset): Record<string, unknown>;
    };
    Colors: {
      rgb82DICOMLAB(rgb: ArrayLike<number>): number[];
      dicomlab2RGB8(lab: ArrayLike<number>): number[];
    };
  };
}

export const dcmjs = dcmjsModule as unknown as DcmjsApi;

/** sRGB (0..255) -> DICOM CIELab PCS values (0..65535, D50 via Bradford, as DCMTK/highdicom). */
export function rgbToDicomLab(rgb: readonly [number, number, number]): [number, number, number] {
  return dcmjs.data.Colors.rgb82DICOMLAB(rgb) as [number, number, number];
}

/** DICOM CIELab PCS values (0..65535) -> sRGB (0..255), rounded and clamped. */
export function dicomLabToRgb(lab: readonly number[]): [number, number, number] {
  return dcmjs.data.Colors.dicomlab2RGB8(lab) as [number, number, number];
}
