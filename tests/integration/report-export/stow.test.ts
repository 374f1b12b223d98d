/**
 * STOW-RS of the evaluation's SEG and SR to a real PACS (Debian's Orthanc on loopback), then
 * QIDO-RS finds them; a refusing server and a server that is down give clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DicomWebSource, readDicomSeg, readDicomSeries } from '@concord/core';
import { buildReport, computeMetrics } from '@concord/metrics';
import {
  buildEvaluationExports,
  fetchStowStore,
  StowExportError,
  stowExports,
  type EvaluationExports,
} from '@concord/reports';
import { dicomFolder, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.ts';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

const SERIES = path.resolve('samples/colin27/dicom');
const REFERENCE = path.resolve('samples/colin27/reference-seg.dcm');

interface QidoSeries {
  '0020000E': { Value: [string] };
  '00080060': { Value: [string] };
}

describe('STOW-RS of SEG and SR (Orthanc)', () => {
  let orthanc: RunningOrthanc;
  let exports: EvaluationExports;
  let studyUid: string;

  beforeAll(async () => {
    const series = await readDicomSeries(dicomFolder(SERIES));
    studyUid = series.studyInstanceUID;
    const reference = readDicomSeg(new Uint8Array(readFileSync(REFERENCE)), series).labels;
    // a "model" that is the reference shifted by one voxel along i: real disagreement
    const [nx] = reference.dims;
    const shifted = new Uint8Array(reference.data.length);
    for (let o = 1; o < shifted.length; o++) if (o % nx !== 0) shifted[o] = reference.data[o - 1];
    const prediction = { ...reference, data: shifted };
    const report = buildReport({
      result: computeMetrics(reference, prediction),
      reference: { kind: 'dicom-seg', source: 'reference-seg.dcm' },
      prediction: { kind: 'labelmap', source: 'shifted reference' },
      case: { studyInstanceUID: studyUid, seriesInstanceUID: series.seriesInstanceUID },
    });
    exports = await buildEvaluationExports({
      report,
      series,
      reference,
      prediction,
      segments: report.structures.map((s) => ({ label: s.label, name: s.name })),
      algorithm: { name: 'shift-by-one', version: '0.0.1' },
    });
    orthanc = await startOrthanc();
  });

  afterAll(async () => {
    await orthanc?.stop();
  });

  const items = () => [
    { name: 'prediction SEG', bytes: exports.files.seg },
    { name: 'measurement report SR', bytes: exports.files.sr },
  ];

  it('stores the SEG and the SR; QIDO-RS finds both series and instances', async () => {
    const r = await stowExports(fetchStowStore(orthanc.dicomweb), items(), '/out');
    expect(r.stored).toEqual(['prediction SEG', 'measurement report SR']);
    const res = await fetch(`${orthanc.dicomweb}/studies/${studyUid}/series`, {
      headers: { Accept: 'application/dicom+json' },
    });
    expect(res.status).toBe(200);
    const found = ((await res.json()) as QidoSeries[]).map((s) => [
      s['0020000E'].Value[0],
      s['00080060'].Value[0],
    ]);
    expect(found).toEqual(
      expect.arrayContaining([
        [exports.seg.seriesInstanceUID, 'SEG'],
        [exports.sr.seriesInstanceUID, 'SR'],
      ]),
    );
    for (const [series, sop] of [
      [exports.seg.seriesInstanceUID, exports.seg.sopInstanceUID],
      [exports.sr.seriesInstanceUID, exports.sr.sopInstanceUID],
    ]) {
      const inst = await fetch(
        `${orthanc.dicomweb}/studies/${studyUid}/series/${series}/instances`,
        { headers: { Accept: 'application/dicom+json' } },
      );
      const uids = ((await inst.json()) as Array<{ '00080018': { Value: [string] } }>).map(
        (i) => i['00080018'].Value[0],
      );
      expect(uids).toEqual([sop]);
    }
  });

  it('also sends through core DicomWebSource (the viewer’s client)', async () => {
    const source = new DicomWebSource(orthanc.dicomweb);
    const r = await stowExports(source, items());
    expect(r.stored).toHaveLength(2);
  });

  it('a refusal names the instance, the reason and where the exports are kept', async () => {
    const notDicom = new TextEncoder().encode('this is not a DICOM file');
    const err = await stowExports(
      fetchStowStore(orthanc.dicomweb),
      [...items(), { name: 'broken file', bytes: notDicom }],
      '/tmp/evaluation',
    ).catch((e) => e);
    expect(err).toBeInstanceOf(StowExportError);
    expect(err.stored).toEqual(['prediction SEG', 'measurement report SR']);
    expect(err.message).toMatch(
      /^Could not send the broken file to http:\/\/127\.0\.0\.1:\d+\/dicom-web: the server (answered HTTP 4\d\d|refused 1 instance).*The exports are kept in \/tmp\/evaluation\.$/,
    );
  });

  it('a server that is down is reported as unreachable', async () => {
    // a loopback port that was just free: nothing listens there
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
    );
    await new Promise((r) => probe.close(r));
    const down = fetchStowStore(`http://127.0.0.1:${port}/dicom-web`);
    const err = await stowExports(down, items()).catch((e) => e);
    expect(err).toBeInstanceOf(StowExportError);
    expect(err.message).toMatch(/the server is not reachable \(ECONNREFUSED\)/);
    expect(err.stored).toEqual([]);
  });
});
