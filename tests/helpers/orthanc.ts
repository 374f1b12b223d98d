/**
 * Starts Debian's Orthanc (+ DICOMweb plugin) for an integration test through
 * scripts/orthanc/start.sh and stops it by its own PID through scripts/orthanc/stop.sh.
 * Also gives Node an XMLHttpRequest (happy-dom's, same-origin with Orthanc) because
 * dicomweb-client is XHR-based.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Window } from 'happy-dom';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface RunningOrthanc {
  /** http://127.0.0.1:<port> */
  url: string;
  /** DICOMweb root: <url>/dicom-web */
  dicomweb: string;
  pid: number;
  /** uploads Part 10 files through Orthanc's REST API (POST /instances) */
  upload(files: Uint8Array[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startOrthanc(): Promise<RunningOrthanc> {
  const { stdout } = await run('bash', [path.join(ROOT, 'scripts/orthanc/start.sh')], {
    timeout: 30_000,
  });
  const vars = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const url = vars.ORTHANC_URL;
  const dir = vars.ORTHANC_DIR;
  if (!url || !dir) throw new Error(`scripts/orthanc/start.sh printed no URL:\n${stdout}`);
  const window = new Window({ url: `${url}/` });
  const previous = globalThis.XMLHttpRequest;
  (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = window.XMLHttpRequest;
  return {
    url,
    dicomweb: vars.ORTHANC_DICOMWEB,
    pid: Number(vars.ORTHANC_PID),
    async upload(files) {
      for (const f of files) {
        const r = await fetch(`${url}/instances`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/dicom' },
          body: f.slice().buffer as ArrayBuffer,
        });
        if (!r.ok) throw new Error(`Orthanc refused an instance: HTTP ${r.status}`);
      }
    },
    async stop() {
      (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = previous;
      await window.happyDOM.close();
      await run('bash', [path.join(ROOT, 'scripts/orthanc/stop.sh'), dir], { timeout: 30_000 });
    },
  };
}

/** The .dcm files of a folder as {name, bytes}, sorted by name. */
export function dicomFolder(dir: string): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .sort()
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) }));
}
