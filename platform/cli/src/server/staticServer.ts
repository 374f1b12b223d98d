import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SECURITY_HEADERS } from '@concord/core/security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.dcm': 'application/dicom',
  '.onnx': 'application/octet-stream',
  '.gz': 'application/gzip',
};

export interface Mount {
  /** URL prefix, e.g. `/` or `/data/`. */
  prefix: string;
  /** Folder served under the prefix. */
  dir: string;
  /** Serve `index.html` for unknown paths (single-page app routes). */
  spaFallback?: boolean;
}

export interface ServerOptions {
  host: string;
  port: number;
  mounts: Mount[];
  /** Headers sent with every response; our CSP + COOP/COEP unless told otherwise (benchmarks of other viewers). */
  headers?: Record<string, string>;
  /** Extra request handler tried before the mounts; returns true when it answered. */
  handle?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> | boolean;
}

/** Resolves a URL path inside a folder, refusing anything that escapes it. */
export function safeJoin(dir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(dir, '.' + path.posix.normalize('/' + decoded));
  const root = path.resolve(dir);
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

async function fileAt(p: string | null): Promise<{ path: string; size: number } | null> {
  if (!p) return null;
  try {
    const s = await stat(p);
    if (s.isFile()) return { path: p, size: s.size };
    if (s.isDirectory()) return fileAt(path.join(p, 'index.html'));
  } catch {
    /* not found */
  }
  return null;
}

function send(
  res: http.ServerResponse,
  headers: Record<string, string>,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
) {
  res.writeHead(status, { ...headers, 'Content-Type': type });
  res.end(body);
}

/** A small static file server sending our security headers (CSP, COOP/COEP) on every response. */
export function createStaticServer(options: ServerOptions): http.Server {
  const mounts = [...options.mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const headers = options.headers ?? SECURITY_HEADERS;
  return http.createServer(async (req, res) => {
    try {
      if (options.handle && (await options.handle(req, res))) return;
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, headers, 405, 'Method not allowed');
      const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
      for (const m of mounts) {
        if (!urlPath.startsWith(m.prefix)) continue;
        const rel = urlPath.slice(m.prefix.length);
        let file = await fileAt(safeJoin(m.dir, rel));
        if (!file && m.spaFallback && !path.extname(rel))
          file = await fileAt(path.join(m.dir, 'index.html'));
        if (!file) continue;
        const type = MIME[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream';
        const cache = /\/assets\//.test(urlPath)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache';
        res.writeHead(200, {
          ...headers,
          'Content-Type': type,
          'Content-Length': file.size,
          'Cache-Control': cache,
        });
        if (req.method === 'HEAD') return res.end();
        createReadStream(file.path).pipe(res);
        return;
      }
      send(res, headers, 404, 'Not found');
    } catch (e) {
      send(res, headers, 500, e instanceof Error ? e.message : 'Internal error');
    }
  });
}

export function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
