import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DicomWebError } from '../datasources/dicomweb.ts';
import { InvalidInputError } from '../errors/index.ts';
import { readSeriesFolder } from '../node/files.ts';
import { readNiftiLabels } from '../nifti/index.ts';
import { channelEndpoints, expose } from '../rpc/index.ts';
import { readDicomSeg } from '../seg/index.ts';
import {
  blobSlices,
  createLabelFileApi,
  readArrivingLabelFile,
  readLabelFileAtInWorker,
  readLabelFileInWorker,
  type ReadLabelFileProgress,
} from './labelFiles.ts';
import { ArrivingBytes } from './arrivingBytes.ts';

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

  it('a worker gets the file itself (a chosen file, a URL, a WADO-RS instance) and reads it onto the series', async () => {
    const expected = readDicomSeg(new Uint8Array(fileBytes('reference-seg.dcm')), series).labels;
    const bytes = readFileSync(`${COLIN}reference-seg.dcm`);
    const nifti = readFileSync(`${COLIN}reference-labels.nii.gz`);
    const wado = '/dicomweb/studies/1.2/series/1.3/instances/1.4';
    const accepts: string[] = [];
    const server = createServer((req, res) => {
      if (req.url === '/seg.dcm') res.end(bytes);
      else if (req.url === wado) {
        // WADO-RS as Orthanc answers it: one part in a multipart/related body, written in
        // pieces that split the part's headers and its closing delimiter
        accepts.push(req.headers.accept ?? '');
        const boundary = 'b1e2f3-DICOMweb';
        res.writeHead(200, {
          'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
        });
        const body = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n`),
          Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`),
          bytes,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const cuts = [0, 30, 100_000, body.length - 12, body.length];
        for (let i = 1; i < cuts.length; i++) res.write(body.subarray(cuts[i - 1], cuts[i]));
        res.end();
      } else res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const dicomWeb = {
        root: `${base}/dicomweb/`,
        studyInstanceUID: '1.2',
        seriesInstanceUID: '1.3',
        sopInstanceUID: '1.4',
      };
      for (const location of [
        { blob: new Blob([bytes]) },
        { url: `${base}/seg.dcm` },
        { dicomWeb },
      ]) {
        const out = await readLabelFileAtInWorker(
          location,
          { name: 'seg.dcm', series },
          { endpoint: worker() },
        );
        expect(out.kind).toBe('dicom-seg');
        expect(Buffer.from(out.labelmap.data).equals(Buffer.from(expected.data))).toBe(true);
      }
      expect(accepts).toEqual(['multipart/related; type="application/dicom"']);
      // a file that is not a SEG is read once it is whole, as given
      const out = await readLabelFileAtInWorker(
        { blob: new Blob([nifti]) },
        { name: 'labels.nii.gz', series },
        { endpoint: worker() },
      );
      expect(out.kind).toBe('nifti');
      expect(Buffer.from(out.labelmap.data).equals(Buffer.from(expected.data))).toBe(true);
      // a URL the server does not have: one line saying which and what it answered
      const err = await readLabelFileAtInWorker(
        { url: `${base}/missing.dcm` },
        { name: 'missing.dcm', series },
        { endpoint: worker() },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DicomWebError);
      expect((err as Error).message).toBe(`${base}/missing.dcm answered HTTP 404 Not Found`);
    } finally {
      server.close();
    }
  });
});

/** A stream whose chunks the test releases one at a time (or breaks). */
function heldStream(bytes: Uint8Array, chunk: number) {
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; o += chunk) chunks.push(bytes.subarray(o, o + chunk));
  let released = 0;
  let wake: (() => void) | null = null;
  let broken: Error | null = null;
  let ended = false;
  let served = 0;
  const reader = {
    async read(): Promise<{ done: boolean; value?: Uint8Array }> {
      while (served >= released && !broken && !ended) await new Promise<void>((r) => (wake = r));
      if (broken) throw broken;
      if (served >= released) return { done: true };
      return { done: false, value: chunks[served++] };
    },
  };
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return {
    reader,
    chunks: chunks.length,
    release(n = 1) {
      released = Math.min(chunks.length, released + n);
      if (released === chunks.length) ended = true;
      poke();
    },
    /** ends the stream after what was released (a cut-off file) */
    end() {
      ended = true;
      poke();
    },
    fail(e: Error) {
      broken = e;
      poke();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('a SEG decoded as it arrives', () => {
  const whole = new Uint8Array(fileBytes('reference-seg.dcm'));
  const expected = readDicomSeg(whole, series).labels;
  const sizes = { firstPrefix: 64 * 1024, pieceBytes: 64 * 1024 };

  it('decodes frames before the rest of the file has arrived, to the same labels', async () => {
    const stream = heldStream(whole, 16 * 1024);
    const progress: Array<{ p: ReadLabelFileProgress; released: number }> = [];
    let released = 0;
    const reading = readArrivingLabelFile(
      new ArrivingBytes(stream.reader, whole.length),
      { name: 'seg.dcm', series },
      (p) => progress.push({ p, released }),
      sizes,
    );
    while (released < stream.chunks) {
      stream.release();
      released++;
      await tick();
    }
    const out = await reading;
    expect(Buffer.from(out.labelmap.data).equals(Buffer.from(expected.data))).toBe(true);
    expect(out.segments?.map((s) => s.name)).toEqual(expected.labels?.map((l) => l.name));
    // decoding went on while chunks were still held back (not one decode after the download)
    const early = progress.filter(
      ({ p, released: r }) => p.phase === 'decode' && p.fraction! > 0 && r < stream.chunks / 2,
    );
    expect(early.length).toBeGreaterThan(0);
    const fractions = progress.filter(({ p }) => p.phase === 'decode').map(({ p }) => p.fraction!);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it('a chosen file is read in slices, one ahead, to the same labels', async () => {
    const slices = blobSlices(new Blob([whole]), 100_003);
    const seen: number[] = [];
    const reader = {
      async read() {
        const r = await slices.read();
        if (r.value) seen.push(r.value.length);
        return r;
      },
    };
    const out = await readArrivingLabelFile(
      new ArrivingBytes(reader, whole.length),
      { name: 'seg.dcm', series },
      undefined,
      sizes,
    );
    expect(Buffer.from(out.labelmap.data).equals(Buffer.from(expected.data))).toBe(true);
    expect(seen.length).toBe(Math.ceil(whole.length / 100_003));
    expect(seen.reduce((a, b) => a + b, 0)).toBe(whole.length);
  });

  it('a file that ends inside its pixel data is one line naming where', async () => {
    const stream = heldStream(whole, 64 * 1024);
    stream.release(Math.floor(stream.chunks / 2));
    stream.end();
    const err = await readArrivingLabelFile(
      new ArrivingBytes(stream.reader, null),
      { name: 'cut.dcm', series },
      undefined,
      sizes,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(
      /^cut\.dcm: the file ended at byte \d+, inside the SEG's pixel data/,
    );
  });

  it('a download that breaks off rejects with the error the source describes', async () => {
    const stream = heldStream(whole, 64 * 1024);
    stream.release(3);
    const reading = readArrivingLabelFile(
      new ArrivingBytes(stream.reader, whole.length, (e) => new Error(`broke off: ${String(e)}`)),
      { name: 'seg.dcm', series },
      undefined,
      sizes,
    );
    await tick();
    stream.fail(new Error('connection reset'));
    await expect(reading).rejects.toThrow('broke off: Error: connection reset');
  });
});
