/**
 * Writes the sample's reference DICOM SEG with Concord's own writeDicomSeg:
 *   npx tsx samples/scripts/make-seg.ts
 * Input: samples/colin27/dicom (the series), samples/colin27/reference-labels.nii.gz (the 7
 * structures on the series grid, from make_sample.py) and samples/structures.json (names,
 * colours, SNOMED CT codes). Output: samples/colin27/reference-seg.dcm. UIDs and dates are fixed so that
 * regenerating gives the same file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDicomSeries, readNiftiLabels, writeDicomSeg, type StructureCodes } from '@concord/core';

const SAMPLES = fileURLToPath(new URL('..', import.meta.url));
const COLIN = path.join(SAMPLES, 'colin27');

/** 2.25.<128-bit integer> from a fixed name (like make_sample.py's uuid5 UIDs). */
function uid(name: string): string {
  const h = createHash('sha1').update(`concord-sample/${name}`).digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${h.toString('hex')}`).toString()}`;
}

const dicomDir = path.join(COLIN, 'dicom');
const series = await readDicomSeries(
  readdirSync(dicomDir)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dicomDir, n))) })),
);
const labels = readNiftiLabels(new Uint8Array(readFileSync(path.join(COLIN, 'reference-labels.nii.gz'))));
const { structures } = JSON.parse(readFileSync(path.join(SAMPLES, 'structures.json'), 'utf8')) as {
  structures: {
    label: number;
    name: string;
    color: [number, number, number];
    /** SNOMED CT codes; absent for merged structures (the SEG gets the generic codes) */
    code?: StructureCodes;
    aal: string[];
  }[];
};
const seg = writeDicomSeg({ ...labels, frameOfReferenceUID: series.frameOfReferenceUID }, series, {
  seriesDescription: 'Reference: AAL merged into 7 structures',
  contentLabel: 'REFERENCE',
  contentCreatorName: 'AAL^Atlas',
  segments: structures.map((s) => ({
    label: s.label,
    name: s.name,
    color: s.color,
    ...(s.code ? { codes: s.code } : {}),
    description: `AAL: ${s.aal.join(' ')}`.slice(0, 64),
  })),
  seriesNumber: 100,
  seriesInstanceUID: uid('colin27/series/reference-seg'),
  sopInstanceUID: uid('colin27/reference-seg'),
  date: new Date(Date.UTC(2025, 0, 1, 12, 0, 0)),
});
writeFileSync(path.join(COLIN, 'reference-seg.dcm'), seg);
console.log(`reference-seg.dcm: ${seg.length} bytes, ${structures.length} segments`);
