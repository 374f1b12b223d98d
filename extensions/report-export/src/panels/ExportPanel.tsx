/**
 * The Export panel: once a reference and a model labelmap are shown, writes the viewer's
 * evaluation report (PDF, CSV, JSON; the evaluation session computes it once for every panel),
 * the model's DICOM SEG and the TID 1500 SR in a worker and offers each as a
 * download; optionally sends the SEG and SR to the active DICOMweb server (STOW-RS through the
 * same-origin proxy). A refused or failed upload loses nothing: the downloads stay.
 */
import { useEffect, useRef, useState } from 'react';
import type { OverlayState, HostPanelProps } from '@concord/core';
import { isAbortError, userMessage } from '@concord/core';
import { EXPORT_MEDIA_TYPES, type ExportKind } from '@concord/reports';
import { fetchStowStore, stowExports } from '@concord/reports';
import { ExportClient } from './exportClient.ts';
import { EXPORT_FILE_NAMES, EXPORT_ITEMS, exportJob, formatBytes } from './job.ts';
import { useEvaluation } from './useEvaluation.ts';
import { tauOf } from '@concord/metrics/session';

/** What a build is doing: reading the series, waiting for the report, writing the files. */
type ExportStage = 'series' | 'metrics' | 'exports';

interface Built {
  /** reference generation, model, PHI choice and τ the files were built for */
  key: string;
  /** the model the files belong to (shown, and in every file name) */
  model: string;
  /** the files built (the lesion table only for lesion-wise structures) */
  urls: Partial<Record<ExportKind, string>>;
  sizes: Partial<Record<ExportKind, number>>;
  seg: Uint8Array;
  sr: Uint8Array;
  /** structures the SR has no measurements for (no segment in the SEG) */
  skipped: number[];
  ms: { metrics: number; exports: number; total: number };
  /** the evaluation session's report was ready when the build started (no wait for it) */
  reportReused: boolean;
}

type Status =
  { kind: 'idle' } | { kind: 'running'; stage: ExportStage } | { kind: 'error'; message: string };

type Stow =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; stored: string[]; url: string }
  | { kind: 'error'; message: string };

const STAGE_TEXT: Record<ExportStage, string> = {
  series: 'Reading the series…',
  metrics: 'Computing the report…',
  exports: 'Writing SEG, SR, JSON, CSV and PDF…',
};

function revoke(b: Built | null) {
  if (b) for (const u of Object.values(b.urls)) URL.revokeObjectURL(u);
}

/** The prediction's model: a shipped/local model by name, version and weights; a file by its generation. */
function modelKeyOf(pred: OverlayState): string {
  const m = pred.origin.model;
  return m ? `model:${m.name}@${m.version}#${m.sha256}` : `file:${pred.title}#${pred.generation}`;
}

/** Shown model name: name and version, or the labelmap file's name. */
function modelNameOf(pred: OverlayState): string {
  const m = pred.origin.model;
  return m ? `${m.name} ${m.version}` : pred.title;
}

/** A file-name-safe form of the model's name ("unet2d-colin27-ce-1.0.0"). */
export function fileSlug(name: string): string {
  return (
    name
      .replace(/\.(nii\.gz|nii|dcm)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'model'
  );
}

export default function ExportPanel({ viewer }: HostPanelProps) {
  const { session, state } = useEvaluation(viewer);
  const client = useRef<ExportClient | null>(null);
  /** Cancels the build in progress (also while it waits for the report). */
  const building = useRef<AbortController | null>(null);
  const [overlays, setOverlays] = useState<OverlayState[]>([]);
  const [includePhi, setIncludePhi] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  /** Files built this session, per model (and reference, PHI choice, τ): switching back to a
   * model offers its files again without a rebuild. */
  const kept = useRef(new Map<string, Built>());
  const [, setKeptVersion] = useState(0);
  const [stow, setStow] = useState<Stow>({ kind: 'idle' });

  useEffect(() => viewer.subscribe(setOverlays), [viewer]);
  useEffect(() => {
    client.current = new ExportClient();
    return () => client.current?.terminate();
  }, []);

  const ref = overlays.find((o) => o.source === 'reference');
  const pred = overlays.find((o) => o.source === 'prediction');
  const tauMm = tauOf(state);
  const key = ref && pred ? `${ref.generation}/${modelKeyOf(pred)}/${includePhi}/${tauMm}` : null;
  // only files of exactly these labelmaps (this model), PHI choice and τ are offered
  const built = key ? (kept.current.get(key) ?? null) : null;
  useEffect(() => setStow({ kind: 'idle' }), [key]);
  useEffect(() => {
    const map = kept.current;
    return () => {
      for (const b of map.values()) revoke(b);
      map.clear();
    };
  }, []);

  async function build() {
    if (!ref || !pred || !key || !client.current) return;
    building.current?.abort();
    const abort = new AbortController();
    building.current = abort;
    const reportReused = session.state.status === 'ready';
    setStatus({ kind: 'running', stage: reportReused ? 'series' : 'metrics' });
    setStow({ kind: 'idle' });
    const t0 = performance.now();
    try {
      // the session's report of exactly these labelmaps: never computed again here
      const evaluation = await session.whenReady(abort.signal);
      const { referenceGeneration, predictionGeneration } = evaluation.inputs;
      if (referenceGeneration !== ref.generation || predictionGeneration !== pred.generation)
        throw new Error('The labelmaps changed during the build; build the exports again');
      const tReport = performance.now();
      setStatus({ kind: 'running', stage: 'series' });
      const job = await exportJob(viewer, ref, pred, evaluation.report, includePhi);
      if (!job) throw new Error('Both a reference and a model labelmap must be shown');
      job.tauMm = tauMm;
      const t1 = performance.now();
      // user timings: where the main thread spends its part of an export
      performance.measure('concord-export:inputs', { start: t0, end: t1 });
      if (abort.signal.aborted) throw abort.signal.reason;
      const res = await client.current.run(job, (stage) => setStatus({ kind: 'running', stage }));
      const t2 = performance.now();
      performance.measure('concord-export:worker', { start: t1, end: t2 });
      const urls: Built['urls'] = {};
      const sizes: Built['sizes'] = {};
      for (const { kind } of EXPORT_ITEMS) {
        const bytes = res.files[kind];
        if (!bytes) continue;
        urls[kind] = URL.createObjectURL(
          new Blob([bytes as Uint8Array<ArrayBuffer>], { type: EXPORT_MEDIA_TYPES[kind] }),
        );
        sizes[kind] = bytes.byteLength;
      }
      revoke(kept.current.get(key) ?? null);
      kept.current.set(key, {
        key,
        model: modelNameOf(pred),
        urls,
        sizes,
        seg: res.files.seg,
        sr: res.files.sr,
        skipped: res.sr.skippedLabels,
        ms: { metrics: tReport - t0, exports: res.ms, total: performance.now() - t0 },
        reportReused,
      });
      setKeptVersion((v) => v + 1);
      setStatus({ kind: 'idle' });
      performance.measure('concord-export:blobs', { start: t2 });
    } catch (e) {
      setStatus({ kind: 'error', message: isAbortError(e) ? 'Cancelled' : userMessage(e) });
    }
  }

  async function send() {
    if (!built || !viewer.dicomWebRoot) return;
    const url = viewer.dicomWebRoot;
    setStow({ kind: 'sending' });
    try {
      const { stored } = await stowExports(
        fetchStowStore(url),
        [
          { name: 'prediction SEG', bytes: built.seg },
          { name: 'measurement report SR', bytes: built.sr },
        ],
        'the download list above',
      );
      setStow({ kind: 'done', stored, url });
    } catch (e) {
      setStow({ kind: 'error', message: userMessage(e) });
    }
  }

  const running = status.kind === 'running';
  return (
    <section className="panel export-panel" data-testid="export-panel">
      <h2>Export</h2>
      {!key && (
        <p className="muted">Available when both a reference and a model labelmap are loaded.</p>
      )}
      <label className="small">
        <input
          type="checkbox"
          data-testid="export-include-phi"
          checked={includePhi}
          disabled={running}
          onChange={(e) => setIncludePhi(e.target.checked)}
        />{' '}
        include patient data (name, ID, birth date) in the CSV and PDF
      </label>
      <p>
        <button
          type="button"
          data-testid="export-build"
          disabled={!key || running}
          onClick={() => void build()}
        >
          {built ? 'Rebuild exports' : 'Build exports'}
        </button>
        {running && (
          <>
            {' '}
            <button
              type="button"
              onClick={() => {
                building.current?.abort();
                client.current?.cancel();
              }}
            >
              Cancel
            </button>
          </>
        )}
      </p>
      {running && (
        <p className="muted" data-testid="export-progress" aria-live="polite">
          {STAGE_TEXT[status.stage]}
        </p>
      )}
      {status.kind === 'error' && (
        <p className="error" role="alert" data-testid="export-error">
          {status.message}
        </p>
      )}
      {pred && (
        <p className="small" data-testid="export-model">
          Model: <strong>{modelNameOf(pred)}</strong> · τ = {tauMm} mm
        </p>
      )}
      {built && (
        <>
          <ul className="export-files" data-testid="export-files">
            {EXPORT_ITEMS.filter(({ kind }) => built.urls[kind]).map(({ kind, caption }) => (
              <li key={kind}>
                <a
                  href={built.urls[kind]}
                  // every file names its model
                  download={`${fileSlug(built.model)}-${EXPORT_FILE_NAMES[kind]}`}
                  data-testid={`export-download-${kind}`}
                >
                  {caption}
                </a>{' '}
                <span className="muted small">{formatBytes(built.sizes[kind] ?? 0)}</span>
              </li>
            ))}
          </ul>
          <p
            className="muted small"
            data-testid="export-timing"
            data-total-ms={Math.round(built.ms.total)}
            data-metrics-ms={Math.round(built.ms.metrics)}
            data-exports-ms={Math.round(built.ms.exports)}
            data-report-reused={built.reportReused}
          >
            built in {(built.ms.total / 1000).toFixed(1)} s (report{' '}
            {built.reportReused
              ? 'from the evaluation session'
              : `${(built.ms.metrics / 1000).toFixed(1)} s`}
            , files {(built.ms.exports / 1000).toFixed(1)} s)
            {includePhi ? ' · with patient data' : ' · de-identified'}
          </p>
          {built.skipped.length > 0 && (
            <p className="muted small" data-testid="export-sr-skipped">
              The SR has no measurements for label {built.skipped.join(', ')} (no segment in the
              SEG).
            </p>
          )}
          {viewer.dicomWebRoot ? (
            <p>
              <button
                type="button"
                data-testid="export-stow"
                disabled={stow.kind === 'sending'}
                onClick={() => void send()}
              >
                Send SEG + SR to PACS
              </button>
            </p>
          ) : (
            <p className="muted small" data-testid="export-stow-unavailable">
              Sending to a PACS needs a DICOMweb data source; this study comes from a file source.
            </p>
          )}
          {stow.kind === 'sending' && (
            <p className="muted" data-testid="export-stow-progress">
              Sending…
            </p>
          )}
          {stow.kind === 'done' && (
            <p data-testid="export-stow-done">Stored {stow.stored.join(' and ')} on the PACS.</p>
          )}
          {stow.kind === 'error' && (
            <p className="error" role="alert" data-testid="export-stow-error">
              {stow.message}
            </p>
          )}
        </>
      )}
    </section>
  );
}
