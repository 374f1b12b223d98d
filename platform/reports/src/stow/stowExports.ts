/**
 * STOW-RS of an evaluation's DICOM exports (the model's SEG, then the SR that references it)
 * to the configured DICOMweb server. The caller keeps the files (written to disk, or offered for
 * download) whatever happens here: a refusal or an unreachable server loses nothing.
 */
import { ConcordError } from '@concord/core';

/** What STOW needs of a DICOMweb client: core's `DicomWebSource` fits. */
export interface DicomWebStore {
  readonly url: string;
  store(files: Uint8Array[]): Promise<void>;
}

export interface StowItem {
  /** what it is, for messages: "prediction SEG", "measurement report SR" */
  name: string;
  bytes: Uint8Array;
}

export interface FetchStowOptions {
  /** extra HTTP headers (e.g. Authorization) */
  headers?: Record<string, string>;
  /** per-request time limit, ms (default 60 000) */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A STOW-RS client on `fetch`, which Node and browsers both have (dicomweb-client needs
 * XMLHttpRequest, which Node lacks, so `concord evaluate` could not upload through it).
 * Each call is one `POST {url}/studies` with a multipart/related body of Part 10 files; a
 * refusal is an Error whose message says why (unreachable, HTTP status, failed SOP instances).
 */
export function fetchStowStore(url: string, options: FetchStowOptions = {}): DicomWebStore {
  const base = url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    url: base,
    async store(files) {
      const boundary = `concord-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
      const enc = new TextEncoder();
      const parts: Uint8Array[] = [];
      for (const f of files) {
        parts.push(enc.encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f);
        parts.push(enc.encode('\r\n'));
      }
      parts.push(enc.encode(`--${boundary}--\r\n`));
      const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let off = 0;
      for (const p of parts) {
        body.set(p, off);
        off += p.length;
      }
      let res: Response;
      try {
        res = await doFetch(`${base}/studies`, {
          method: 'POST',
          headers: {
            ...options.headers,
            'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
            Accept: 'application/dicom+json',
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        if (err.name === 'TimeoutError') {
          throw new Error(`no answer within ${(options.timeoutMs ?? 60_000) / 1000} s`, {
            cause: e,
          });
        }
        const detail = err.cause?.code ?? err.cause?.message;
        const code = detail ? ` (${detail})` : '';
        throw new Error(`the server is not reachable${code}`, { cause: e });
      }
      const text = await res.text().catch(() => '');
      if (!res.ok) {
        throw new Error(`the server answered HTTP ${res.status} ${res.statusText}`.trim());
      }
      const failed = failedInstances(text);
      if (failed.length > 0) {
        throw new Error(`the server refused ${failed.length} instance(s): ${failed.join('; ')}`);
      }
    },
  };
}

/** FailedSOPSequence (0008,1198) entries of a STOW-RS response, as "UID (reason 0xC000)". */
function failedInstances(responseText: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(responseText);
  } catch {
    return [];
  }
  const obj = (Array.isArray(json) ? json[0] : json) as Record<string, { Value?: unknown[] }>;
  const items = (obj?.['00081198']?.Value ?? []) as Array<Record<string, { Value?: unknown[] }>>;
  return items.map((it) => {
    const uid = String(it['00081155']?.Value?.[0] ?? '?');
    const reason = Number(it['00081197']?.Value?.[0]);
    return Number.isFinite(reason) ? `${uid} (reason 0x${reason.toString(16).toUpperCase()})` : uid;
  });
}

/** The upload failed; `stored` lists what did reach the server before the failure. */
export class StowExportError extends ConcordError {
  readonly code = 'STOW_FAILED';
  override readonly exitCode = 1;
  constructor(
    message: string,
    readonly stored: string[],
    readonly failed: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Sends the items one by one in order (the SEG before the SR that references it) so that a
 * failure says exactly what reached the server. `keptAt` (a folder, or "the download list")
 * goes into the error message: the user learns where the exports still are.
 */
export async function stowExports(
  server: DicomWebStore,
  items: StowItem[],
  keptAt?: string,
): Promise<{ stored: string[] }> {
  const stored: string[] = [];
  for (const item of items) {
    try {
      await server.store([item.bytes]);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const kept = keptAt ? ` The exports are kept in ${keptAt}.` : '';
      const sent = stored.length ? ` Already stored: ${stored.join(', ')}.` : '';
      throw new StowExportError(
        `Could not send the ${item.name} to ${server.url}: ${reason}.${sent}${kept}`,
        [...stored],
        item.name,
        { cause: e },
      );
    }
    stored.push(item.name);
  }
  return { stored };
}
