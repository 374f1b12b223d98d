/**
 * A small synthetic case for the writers' tests: an MR-like image with two structures, the
 * annotator's labelmap, and a model labelmap that is shifted, too small and has a spurious blob,
 * so every disagreement class and every report section has something to show.
 */
import { IDENTITY_DIRECTION, type Grid, type LabelVolume, type Volume } from '@concord/core';
import { buildReport, computeMetrics, type EvaluationReport } from '@concord/metrics';

export interface SyntheticCase {
  grid: Grid;
  image: Volume<Int16Array>;
  reference: LabelVolume;
  prediction: LabelVolume;
  /** model probability of each class per voxel (label -> volume) */
  probabilities: Map<number, Float32Array>;
}

export const SYNTHETIC_LABELS = [
  { label: 1, name: 'Left thalamus', color: [230, 25, 75] as [number, number, number] },
  { label: 2, name: '=cmd|"/c calc"!A1 Ω', color: [60, 180, 75] as [number, number, number] },
];

export function syntheticCase(dims: [number, number, number] = [40, 36, 12]): SyntheticCase {
  const grid: Grid = {
    dims,
    spacing: [1.2, 1.2, 2.5],
    origin: [-24, -20, -15],
    direction: [...IDENTITY_DIRECTION],
    frameOfReferenceUID: '1.2.826.0.1.3680043.8.498.77',
  };
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const image = new Int16Array(n);
  const ref = new Uint8Array(n);
  const pred = new Uint8Array(n);
  const p1 = new Float32Array(n);
  const p2 = new Float32Array(n);
  const c = [nx * 0.35, ny * 0.5, nz * 0.5];
  for (let k = 0, o = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, o++) {
        const inSphere = (ci: number) =>
          ((i - ci) * 1.2) ** 2 + ((j - c[1]) * 1.2) ** 2 + ((k - c[2]) * 2.5) ** 2 <= 64;
        const inBox = (lo: number) =>
          i >= nx * 0.6 && i < nx * 0.85 && j >= lo && j < ny * 0.7 && k >= 2 && k < nz - 2;
        image[o] = 200 + 8 * i + 3 * j + (inSphere(c[0]) ? 400 : 0) + (inBox(ny * 0.3) ? 250 : 0);
        if (inSphere(c[0])) ref[o] = 1;
        else if (inBox(ny * 0.3)) ref[o] = 2;
        if (inSphere(c[0] + 2)) pred[o] = 1;
        else if (inBox(ny * 0.4)) pred[o] = 2;
        // a spurious blob the reference does not have, on two slices only
        if (k >= 3 && k <= 4 && i >= 2 && i < 7 && j >= 2 && j < 7) pred[o] = 1;
        p1[o] = pred[o] === 1 ? 0.85 : 0.03;
        p2[o] = pred[o] === 2 ? 0.9 : 0.02;
      }
    }
  }
  return {
    grid,
    image: { ...grid, data: image },
    reference: { ...grid, data: ref, labels: SYNTHETIC_LABELS },
    prediction: { ...grid, data: pred, labels: SYNTHETIC_LABELS },
    probabilities: new Map([
      [1, p1],
      [2, p2],
    ]),
  };
}

/** The case's report, computed by the metrics engine and assembled by `buildReport`. */
export function syntheticReport(c: SyntheticCase = syntheticCase()): EvaluationReport {
  const result = computeMetrics(c.reference, c.prediction, {
    labels: [1, 2, 3],
    tolerancesMm: [1, 2],
    probabilities: c.probabilities,
    labelNames: Object.fromEntries(
      [...SYNTHETIC_LABELS, { label: 3, name: 'Cerebellum, left' }].map((l) => [l.label, l.name]),
    ),
  });
  return buildReport({
    result,
    reference: { kind: 'dicom-seg', source: 'reference-seg.dcm' },
    prediction: {
      kind: 'model',
      source: 'tiny-unet.onnx',
      backend: 'onnxruntime-node (cpu)',
      inferenceMs: 1234.5,
      model: { name: 'tiny-unet', version: '1.0.0', sha256: 'ab'.repeat(32) },
    },
    case: {
      studyInstanceUID: '1.2.826.0.1.3680043.8.498.1',
      seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2',
    },
    generatedAt: new Date('2026-11-22T06:00:00Z'),
  });
}
