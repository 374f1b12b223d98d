/**
 * What a DICOM byte stream is, before it is parsed in full: a Part 10 file, or a bare data set
 * (no preamble, no meta header: written by older tools and by pydicom's own test files), and
 * its SOP class (which decides the reader: SEG, RTSTRUCT, image).
 */
import dicomParser from 'dicom-parser';
import { InvalidInputError } from '../errors/index.ts';
import { dcmjs } from './dcmjs.ts';

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

/** True for DICOM Part 10 bytes (the "DICM" prefix after the 128-byte preamble). */
export function isDicomPart10(bytes: Uint8Array): boolean {
  return (
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

const isUpper = (b: number) => b >= 0x41 && b <= 0x5a;

/**
 * The transfer syntax of a bare data set (no Part 10 header), or undefined when the bytes do
 * not start like one: the first element must be in group 0008 (little endian), the group every
 * composite object starts with. Explicit VR when the next two bytes are a VR (two capitals).
 * NIfTI (a 348/540 header size) and gzip never start with 08 00.
 */
export function bareDatasetTransferSyntax(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8 || bytes[0] !== 0x08 || bytes[1] !== 0x00) return undefined;
  return isUpper(bytes[4]) && isUpper(bytes[5]) ? EXPLICIT_VR_LE : IMPLICIT_VR_LITTLE_ENDIAN;
}

/** True for DICOM bytes: a Part 10 file or a bare data set. */
export function isDicomBytes(bytes: Uint8Array): boolean {
  return isDicomPart10(bytes) || bareDatasetTransferSyntax(bytes) !== undefined;
}

/**
 * Part 10 bytes of a Part 10 file (returned as is) or of a bare data set (a preamble and a
 * meta header naming its transfer syntax are put in front), so that one reader serves both.
 */
export function asPart10(bytes: Uint8Array): Uint8Array {
  if (isDicomPart10(bytes)) return bytes;
  const syntax = bareDatasetTransferSyntax(bytes);
  if (!syntax) throw new InvalidInputError('Not a DICOM file (no "DICM" marker, no data set)');
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      TransferSyntaxUID: syntax,
    }),
  );
  dict.dict = {};
  const header = new Uint8Array(dict.write());
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

/** The SOP Class UID (0008,0016) of DICOM bytes (Part 10 or bare), or undefined. */
export function dicomSopClassUID(bytes: Uint8Array): string | undefined {
  try {
    const ds = dicomParser.parseDicom(asPart10(bytes), { untilTag: 'x00080016' });
    return ds.string('x00080016')?.trim() || undefined;
  } catch {
    return undefined;
  }
}
