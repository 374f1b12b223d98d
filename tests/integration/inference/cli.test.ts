/**
 * `concord infer` on the sample study: DICOM series in, DICOM SEG out (valid per dciodvfy),
 * with the Dice against the reference structures recorded for the shipped model.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { readDicomSeg, readDicomSeries, readNiftiLabels } from '@concord/core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'platform/cli/bin/concord.mjs');
const MODEL = path.join(ROOT, 'platform/inference/models/unet2d-colin27-ce.json');
const COLIN = path.join(ROOT, 'samples/colin27');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'concord-infer-cli-'));

const concord = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

function dice(a: ArrayLike<number>, b: ArrayLike<number>, label: number): number {
  let tp = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === label;
    const y = b[i] === label;
    if (x) na++;
    if (y) nb++;
    if (x && y) tp++;
  }
  return (2 * tp) / (na + nb);
}

// Dice of unet2d-colin27-ce on the sample (1.5 mm LPS DICOM grid), measured when it was trained
const EXPECTED_DICE = [0.8864, 0.8458, 0.8597, 0.8571, 0.7498, 0.6521, 0.8749];

describe('concord infer on the sample study', () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes a DICOM SEG that passes dciodvfy and scores the expected Dice', async () => {
    const seg = path.join(tmp, 'model-seg.dcm');
    const probs = path.join(tmp, 'probabilities.nii.gz');
    const r = concord(
      'infer',
      '--model',
      MODEL,
      '--input',
      path.join(COLIN, 'dicom'),
      '--out',
      seg,
      '--probabilities',
      probs,
      '--threads',
      '2',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/unet2d-colin27-ce 1\.0\.0 on native \(2 threads\): 121x145x121/);
    const v = spawnSync('dciodvfy', [seg], { encoding: 'utf8' });
    expect(`${v.stdout}${v.stderr}`).not.toMatch(/Error/);
    const dicomDir = path.join(COLIN, 'dicom');
    const series = await readDicomSeries(
      readdirSync(dicomDir).map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(path.join(dicomDir, name))),
      })),
    );
    const { labels, segments } = readDicomSeg(new Uint8Array(readFileSync(seg)), series);
    expect(segments.map((s) => s.name)).toEqual([
      'Frontal lobe',
      'Parietal lobe',
      'Temporal lobe',
      'Occipital lobe',
      'Limbic and insula',
      'Deep grey nuclei',
      'Cerebellum',
    ]);
    expect(
      segments.every(
        (s) => s.algorithmType === 'AUTOMATIC' && s.algorithmName === 'unet2d-colin27-ce',
      ),
    ).toBe(true);
    const ref = readNiftiLabels(
      new Uint8Array(readFileSync(path.join(COLIN, 'reference-labels.nii.gz'))),
    );
    expect(labels.dims).toEqual(ref.dims);
    EXPECTED_DICE.forEach((d, i) => expect(dice(labels.data, ref.data, i + 1)).toBeCloseTo(d, 2));
    // probabilities: 4D NIfTI read by nibabel, one uint8 volume per class (scl_slope 1/255),
    // summing to ~1 at every voxel, on the series grid
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import nibabel as nib, numpy as np, sys
p = nib.load(sys.argv[1]); r = nib.load(sys.argv[2]); a = np.asarray(p.dataobj)
s = a.sum(3)
import json; print(json.dumps([list(p.shape), bool(np.allclose(p.affine, r.affine)), float(s.min()), float(s.max())]))`,
        probs,
        path.join(COLIN, 't1.nii.gz'),
      ],
      { encoding: 'utf8' },
    );
    const [shape, sameGrid, lo, hi] = JSON.parse(py.stdout) as [number[], boolean, number, number];
    expect(shape).toEqual([121, 145, 121, 8]);
    expect(sameGrid).toBe(true);
    expect(lo).toBeGreaterThan(0.98);
    expect(hi).toBeLessThan(1.02);
  });

  it('exits 3 with one line for a manifest that does not fit its model, 2 for a bad option', () => {
    const bad = concord(
      'infer',
      '--model',
      path.join(ROOT, 'package.json'),
      '--input',
      path.join(COLIN, 't1.nii.gz'),
      '--out',
      path.join(tmp, 'x.nii.gz'),
    );
    expect(bad.status).toBe(3);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/not a valid concord.model\/v1 manifest/);
    const usage = concord(
      'infer',
      '--backend',
      'cuda',
      '--model',
      MODEL,
      '--input',
      'x',
      '--out',
      'y.nii.gz',
    );
    expect(usage.status).toBe(2);
    // a run that does not fit --max-memory is refused before it starts, naming what it needs
    const small = concord(
      'infer',
      '--model',
      MODEL,
      '--input',
      path.join(COLIN, 't1.nii.gz'),
      '--out',
      path.join(tmp, 'small.nii.gz'),
      '--max-memory',
      '1MiB',
    );
    expect(small.status).toBe(3);
    expect(small.stderr.trim().split('\n')).toHaveLength(1);
    expect(small.stderr).toMatch(/needs about \d+ MiB .*the limit is 1 MiB/);
    expect(readdirSync(tmp)).not.toContain('small.nii.gz');
    const size = concord(
      'infer',
      '--max-memory',
      'lots',
      '--model',
      MODEL,
      '--input',
      'x',
      '--out',
      'y.nii.gz',
    );
    expect(size.status).toBe(2);
  });
});
