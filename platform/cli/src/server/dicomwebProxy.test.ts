import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticServer, listen } from './staticServer.ts';
import { parseDicomwebUrl, proxyHandler, upstreamUrl } from './dicomwebProxy.ts';

describe('DICOMweb proxy', () => {
  let upstream: http.Server;
  let upstreamPort: number;
  const seen: string[] = [];

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      seen.push(
        `${req.method} ${req.url} accept=${req.headers.accept} origin=${req.headers.origin}`,
      );
      res.writeHead(200, {
        'Content-Type': 'application/dicom+json',
        'Access-Control-Allow-Origin': '*',
      });
      res.end('[]');
    });
    upstreamPort = await listen(upstream, '127.0.0.1', 0);
  });
  afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

  it('maps /dicomweb/<path>?q onto the configured root', () => {
    const proxy = { prefix: '/dicomweb/', target: new URL('http://h:1/dicom-web/') };
    expect(upstreamUrl(proxy, '/dicomweb/studies?PatientID=1').href).toBe(
      'http://h:1/dicom-web/studies?PatientID=1',
    );
    expect(() => parseDicomwebUrl('file:///etc')).toThrow(/only http/);
  });

  it('forwards requests same-origin, adds our headers, and reports an unreachable server', async () => {
    const headers = { 'Cross-Origin-Embedder-Policy': 'require-corp' };
    const make = (target: string) =>
      createStaticServer({
        host: '127.0.0.1',
        port: 0,
        mounts: [],
        headers,
        handle: proxyHandler({ prefix: '/dicomweb/', target: new URL(target) }, headers),
      });
    const ok = make(`http://127.0.0.1:${upstreamPort}/dicom-web`);
    const okPort = await listen(ok, '127.0.0.1', 0);
    const res = await fetch(`http://127.0.0.1:${okPort}/dicomweb/studies?x=1`, {
      headers: { Accept: 'application/dicom+json', Origin: 'http://evil' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('[]');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(seen.at(-1)).toBe(
      'GET /dicom-web/studies?x=1 accept=application/dicom+json origin=undefined',
    );
    await new Promise<void>((r) => ok.close(() => r()));

    const down = make('http://127.0.0.1:1/dicom-web');
    const downPort = await listen(down, '127.0.0.1', 0);
    const bad = await fetch(`http://127.0.0.1:${downPort}/dicomweb/studies`);
    expect(bad.status).toBe(502);
    expect(await bad.text()).toMatch(
      /DICOMweb server http:\/\/127\.0\.0\.1:1 is unreachable: ECONNREFUSED/,
    );
    await new Promise<void>((r) => down.close(() => r()));
  });
});
