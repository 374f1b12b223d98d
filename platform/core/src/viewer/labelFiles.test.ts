import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/index.ts';
import { readSeriesFolder } from '../node/files.ts';
import { readNiftiLabels } from '../nifti/index.ts';
import { channelEndpoints, expose } from '../rpc/index.ts';
import { readDicomSeg } from '../seg/index.ts';
import {
  createLabelFileApi,
  readLabelFileInWorker,
  type ReadLabelFileProgress,
} from './labelFiles.ts';

const COLIN = fileURLToPath(new URL('../../../../samples/colin27/', import.meta.url));
const series = await readSeriesFolder(`${COLIN}dicom`);
const fileBytes = (name: string) => {
  const b = readFileSync(`${COLIN}${name}`);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

/** The worker's API served on a MessagePort: the structured clone and transfers of a worker. */
function worker() {
  const [inner, outer] = channelEndpoints();
  expose(createLabelFileApi(), inner);
  return outer;
}

describe('label files read off the main thread', () => {
  it('a DICOM SEG arrives as the reader decodes it, with progress, its arrays moved', async () => {
    const bytes = fileBytes('reference-seg.dcm');
    const expected = readDicomSeg(new Uint8Array(bytes.slice(0)), series).labels;
    const progress: ReadLabelFileProgress[] = [];
    const out = await readLabelFileInWorker(
      { bytes, name: 'reference-seg.dcm', series: { ...series, volume: { ...series.volume } } },
      { endpoint: worker(), onProgress: (p) => progress.push(p) },
    );
    expect(bytes.byteLength).toBe(0); // moved to the worker, not copied
    expect(out.kind).toBe('dicom-seg');
    expect(out.segments?.map((s) => s.name)).toEqual(expected.labels?.map((l) => l.name));
    expect(out.labelmap.dims).toEqual(series.volume.dims);
    expect(Buffer.from(out.labelmap.data).equals(Buffer.from(expected.data))).toBe(true);
    expect(progress[0]).toEqual({ phase: 'parse' });
    const decode = progress.filter((p) => p.phase === 'decode').map((p) => p.fraction!);
    expect(decode.length).toBeGreaterThan(5);
    expect(decode.at(-1)).toBe(1);
    expect(decode).toEqual([...decode].sort((a, b) => a - b));
  });

  it('a NIfTI labelmap is put onto the series grid', async () => {
    const out = await readLabelFileInWorker(
      { bytes: fileBytes('reference-labels.nii.gz'), name: 'labels.nii.gz', series },
      { endpoint: worker() },
    );
    const direct = readNiftiLabels(new Uint8Array(fileBytes('reference-labels.nii.gz')));
    expect(out.kind).toBe('nifti');
    expect(out.sourceGrid.dims).toEqual(direct.dims);
    expect(out.labelmap.dims).toEqual(series.volume.dims);
    let same = 0;
    const seg = readDicomSeg(new Uint8Array(fileBytes('reference-seg.dcm')), series).labels.data;
    for (let i = 0; i < seg.length; i++) if (seg[i] === out.labelmap.data[i]) same++;
    expect(same).toBe(seg.length); // the sample's SEG was written from this NIfTI
  });

  it('a corrupt file is one line naming what is wrong, as an InvalidInputError', async () => {
    const bytes = fileBytes('reference-seg.dcm').slice(0, 5000);
    const err = await readLabelFileInWorker(
      { bytes, name: 'broken.dcm', series },
      { endpoint: worker() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).message).toMatch(/SEG|DICOM/);
  });

  it('a cancelled read rejects at once with an AbortError', async () => {
    const abort = new AbortController();
    const reading = readLabelFileInWorker(
      { bytes: fileBytes('reference-seg.dcm'), name: 'reference-seg.dcm', series },
      { endpoint: worker(), signal: abort.signal },
    );
    abort.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
  });
});
