/**
 * Writes the two DICOM SEGs of the `npm run bench:scale` case (generate.py made the series and
 * the raw label arrays) with Concord's SEG writer: `study/reference-seg.dcm` (the annotator's
 * 116 AAL regions, MANUAL, next to the series) and `prediction-seg.dcm` (the perturbed copy,
 * AUTOMATIC, loaded with "Load…"), both BINARY.
 *
 *   tsx --conditions=source scripts/bench-scale/make-segs.ts CASE_DIR
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fallbackColor } from '@concord/metrics';
import { gridOf, writeDicomSeg, type LabelVolume } from '@concord/core';
import { readSeriesFolder } from '@concord/core/node';

const dir = process.argv[2];
if (!dir) throw new Error('usage: make-segs.ts CASE_DIR');
const series = await readSeriesFolder(path.join(dir, 'study', 'dicom'));
const { structures } = JSON.parse(readFileSync(path.join(dir, 'structures.json'), 'utf8')) as {
  structures: { label: number; name: string }[];
};
const segments = structures.map((s) => ({ ...s, color: fallbackColor(s.label) }));

for (const [name, file, algorithm] of [
  ['reference', 'study/reference-seg.dcm', undefined],
  ['prediction', 'prediction-seg.dcm', { name: 'Perturbed AAL', version: '1', type: 'AUTOMATIC' }],
] as const) {
  const raw = readFileSync(path.join(dir, `${name}.u8`));
  const labels: LabelVolume = {
    ...gridOf(series.volume),
    data: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength),
  };
  const t0 = performance.now();
  const seg = writeDicomSeg(labels, series, {
    seriesDescription: `${name === 'reference' ? 'Reference' : 'Prediction'}: AAL 116 regions`,
    segments,
    seriesNumber: name === 'reference' ? 100 : 200,
    ...(algorithm ? { algorithm } : { contentCreatorName: 'AAL^Atlas' }),
  });
  writeFileSync(path.join(dir, file), seg);
  console.log(
    `${file}: ${(seg.length / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
