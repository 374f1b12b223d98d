import dicomParser from 'dicom-parser';
import { decodeFrame, isNativeTransferSyntax, isSupportedTransferSyntax } from '../codecs/index.ts';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import type { TypedArray } from '../geometry/index.ts';
import {
  DICOM_TAGS,
  parseDicomFile,
  type DicomFileInput,
  type DicomInstanceMetadata,
  type ParsedDicom,
} from './parse.ts';

/** The bytes of one frame as stored: a native slice or the frame's encapsulated fragments. */
export function frameBytes(parsed: ParsedDicom, frameIndex: number): Uint8Array {
  const { dataSet: ds, meta, name } = parsed;
  const el = ds.elements[DICOM_TAGS.PixelData];
  if (!el) throw new InvalidInputError(`${name}: no PixelData (7FE0,0010)`);
  const bytes = ds.byteArray as Uint8Array;
  if (isNativeTransferSyntax(meta.TransferSyntaxUID) && !el.encapsulatedPixelData) {
    const frameSize = (meta.Rows * meta.Columns * meta.SamplesPerPixel * meta.BitsAllocated) / 8;
    const start = el.dataOffset + frameIndex * frameSize;
    if (start + frameSize > bytes.length || (frameIndex + 1) * frameSize > el.length) {
      throw new InvalidInputError(
        `${name}: pixel data is truncated (frame ${frameIndex + 1} of ${meta.NumberOfFrames} needs ${frameSize} bytes)`,
      );
    }
    return bytes.subarray(start, start + frameSize);
  }
  if (!el.encapsulatedPixelData || !el.fragments) {
    throw new InvalidInputError(
      `${name}: compressed transfer syntax but pixel data is not encapsulated`,
    );
  }
  const n = meta.NumberOfFrames;
  try {
    if (el.basicOffsetTable && el.basicOffsetTable.length > 0) {
      return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex) as Uint8Array;
    }
    if (n === 1) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(
        ds,
        el,
        0,
        el.fragments.length,
      ) as Uint8Array;
    }
    if (el.fragments.length === n) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(
        ds,
        el,
        frameIndex,
        1,
      ) as Uint8Array;
    }
    const bot = dicomParser.createJPEGBasicOffsetTable(ds, el);
    return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex, bot) as Uint8Array;
  } catch (e) {
    throw new InvalidInputError(
      `${name}: cannot locate frame ${frameIndex + 1} in the encapsulated pixel data (${String(e)})`,
    );
  }
}

/** Decodes one frame into stored values (before RescaleSlope/Intercept). */
export async function decodeDicomFrame(
  parsed: ParsedDicom,
  frameIndex: number,
): Promise<TypedArray> {
  const { meta, name } = parsed;
  if (!isSupportedTransferSyntax(meta.TransferSyntaxUID)) {
    throw new UnsupportedFormatError(
      `${name}: transfer syntax ${meta.TransferSyntaxUID} is not supported`,
    );
  }
  try {
    return await decodeFrame(meta.TransferSyntaxUID, frameBytes(parsed, frameIndex), {
      rows: meta.Rows,
      columns: meta.Columns,
      bitsAllocated: meta.BitsAllocated,
      bitsStored: meta.BitsStored,
      pixelRepresentation: meta.PixelRepresentation,
      samplesPerPixel: meta.SamplesPerPixel,
    });
  } catch (e) {
    if (e instanceof Error && 'code' in e && !e.message.startsWith(name)) {
      e.message = `${name}: ${e.message}`;
    }
    throw e;
  }
}

/**
 * Decodes every frame of one file without any geometry checks (stored values, before
 * rescale): for single images, thumbnails and transfer-syntax tests.
 */
export async function readDicomFrames(
  file: DicomFileInput,
): Promise<{ meta: DicomInstanceMetadata; frames: TypedArray[] }> {
  const parsed = parseDicomFile(file);
  if (!parsed.hasPixelData) {
    throw new InvalidInputError(`${file.name}: no PixelData (7FE0,0010) — not an image`);
  }
  const frames: TypedArray[] = [];
  for (let f = 0; f < parsed.meta.NumberOfFrames; f++)
    frames.push(await decodeDicomFrame(parsed, f));
  return { meta: parsed.meta, frames };
}
