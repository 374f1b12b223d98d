/**
 * Same-origin reverse proxy to a DICOMweb server. Orthanc sends no CORS headers, so the
 * viewer talks to `/dicomweb/...` on its own origin and we forward to the configured URL.
 * Only the configured server is ever contacted (docs/security.md).
 */
import http from 'node:http';
import https from 'node:https';

export interface DicomwebProxy {
  /** URL prefix on our origin, e.g. `/dicomweb/`. */
  prefix: string;
  /** The DICOMweb root, e.g. `http://127.0.0.1:8042/dicom-web`. */
  target: URL;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'origin',
  'referer',
  'cookie',
]);

export function parseDicomwebUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--dicomweb: not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`--dicomweb: only http(s) URLs are supported, got ${u.protocol}`);
  return u;
}

/** The upstream URL for a request path under the proxy prefix (query string kept). */
export function upstreamUrl(proxy: DicomwebProxy, reqUrl: string): URL {
  const rest = reqUrl.slice(proxy.prefix.length);
  const base = proxy.target.href.replace(/\/$/, '');
  return new URL(`${base}/${rest}`);
}

/**
 * Answers requests under the prefix by forwarding them; returns false for other paths.
 * Upstream failures become a 502 with a one-line reason the viewer shows.
 */
export function proxyHandler(proxy: DicomwebProxy, headers: Record<string, string>) {
  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const url = req.url ?? '/';
    if (!url.startsWith(proxy.prefix)) return false;
    const target = upstreamUrl(proxy, url);
    const outHeaders: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(k.toLowerCase()) && v !== undefined) outHeaders[k] = v;
    }
    const client = target.protocol === 'https:' ? https : http;
    const upstream = client.request(
      target,
      { method: req.method, headers: outHeaders, timeout: 60_000 },
      (up) => {
        const back: http.OutgoingHttpHeaders = { ...headers };
        for (const [k, v] of Object.entries(up.headers)) {
          if (
            !HOP_BY_HOP.has(k.toLowerCase()) &&
            v !== undefined &&
            !k.startsWith('access-control')
          )
            back[k] = v;
        }
        res.writeHead(up.statusCode ?? 502, back);
        up.pipe(res);
      },
    );
    const fail = (reason: string) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`The DICOMweb server ${proxy.target.origin} is unreachable: ${reason}`);
    };
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    req.pipe(upstream);
    return true;
  };
}
