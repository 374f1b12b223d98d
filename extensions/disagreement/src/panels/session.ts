/**
 * One disagreement session per viewer bridge, shared by the Disagreement and Volumetric-bias
 * panels and the worst-slice commands: it watches the reference and prediction overlays, runs
 * the worker, and caches results per study and model (switching back to a model is instant).
 */
import type { OverlayState, ViewerHost } from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import type { BoundaryGrossVolumes } from '@concord/metrics';
import { rankWorstSlices, stepWorstSlice } from '@concord/metrics';
import type { DisagreementRequest, DisagreementResponse, StructureSummary } from './protocol.ts';

/** Distributes Omit over the request union (plain Omit would collapse it). */
type Job = DisagreementRequest extends infer R
  ? R extends DisagreementRequest
    ? Omit<R, 'id'>
    : never
  : never;

export interface CachedResult {
  /** Worker key: study, series, reference fingerprint, model. */
  key: string;
  /** Cache key of the model within its study. */
  modelKey: string;
  /** Model shown in the volumetric-bias view (name + version, or the overlay title). */
  model: string;
  report: EvaluationReport;
  structures: StructureSummary[];
  ms: number;
}

export type SessionStatus =
  | { kind: 'waiting' }
  | { kind: 'running' }
  | { kind: 'done'; cached: boolean }
  | { kind: 'error'; message: string };

export interface SessionState {
  status: SessionStatus;
  current: CachedResult | null;
  /** Every model computed on this study+series against the current reference. */
  models: CachedResult[];
}

/** Results per `study|series|reference` and model, kept for the page's lifetime. */
const CACHE = new Map<string, Map<string, CachedResult>>();

class WorkerClient {
  private worker: Worker | null = null;
  private seq = 0;
  private pending = new Map<number, (r: DisagreementResponse) => void>();

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./disagreement.worker.ts', import.meta.url), {
        type: 'module',
        name: 'concord-disagreement',
      });
      this.worker.onmessage = (e: MessageEvent<DisagreementResponse>) => {
        const done = this.pending.get(e.data.id);
        this.pending.delete(e.data.id);
        done?.(e.data);
      };
      this.worker.onerror = (e) => this.fail(`Disagreement worker failed: ${e.message}`);
    }
    return this.worker;
  }

  request(job: Job): Promise<DisagreementResponse> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const t0 = performance.now();
      this.ensure().postMessage({ ...job, id } as DisagreementRequest);
      // main-thread cost of the structured clone, visible to the e2e long-task check
      performance.measure('concord:disagreement:post', { start: t0 });
    });
  }

  busy(): boolean {
    return this.pending.size > 0;
  }

  /** Stops whatever runs (a new prediction supersedes the old one). */
  fail(error: string) {
    this.worker?.terminate();
    this.worker = null;
    const pending = [...this.pending.entries()];
    this.pending.clear();
    for (const [id, resolve] of pending) resolve({ type: 'compute', id, ok: false, error });
  }
}

function modelName(pred: OverlayState): string {
  const m = pred.origin.model;
  return m ? `${m.name} ${m.version}` : pred.title;
}

function modelKey(pred: OverlayState): string {
  const m = pred.origin.model;
  // a model's prediction on a series is deterministic: the same model gives the same result
  return m
    ? `model:${m.name}@${m.version}#${m.sha256}`
    : // a loaded file: by name and content summary, so loading it again is instant too
      `overlay:${pred.title}#${JSON.stringify(pred.counts)}`;
}

export class DisagreementSession {
  private client = new WorkerClient();
  private listeners = new Set<(s: SessionState) => void>();
  private unsubscribe: () => void;
  private running: string | null = null;
  private studyKey: string | null = null;
  state: SessionState = { status: { kind: 'waiting' }, current: null, models: [] };

  constructor(private readonly viewer: ViewerHost) {
    this.unsubscribe = viewer.subscribe((o) => this.onOverlays(o));
  }

  subscribe(fn: (s: SessionState) => void): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<SessionState>) {
    const models = this.studyKey ? [...(CACHE.get(this.studyKey)?.values() ?? [])] : [];
    this.state = { ...this.state, ...patch, models };
    for (const fn of this.listeners) fn(this.state);
  }

  private onOverlays(overlays: OverlayState[]) {
    const ref = overlays.find((o) => o.source === 'reference');
    const pred = overlays.find((o) => o.source === 'prediction');
    if (!ref || !pred) {
      this.studyKey = null;
      if (this.state.status.kind !== 'waiting' || this.state.current)
        this.set({ status: { kind: 'waiting' }, current: null });
      return;
    }
    const v = this.viewer;
    // the reference is identified by its content summary, stable across overlay managers
    this.studyKey = `${v.studyInstanceUID}|${v.seriesInstanceUID}|${ref.title}|${JSON.stringify(ref.counts)}`;
    const mk = modelKey(pred);
    const key = `${this.studyKey}|${mk}`;
    if (this.state.current?.key === key || this.running === key) return;
    const hit = CACHE.get(this.studyKey)?.get(mk);
    if (hit) {
      this.running = null;
      this.set({ status: { kind: 'done', cached: true }, current: hit });
      return;
    }
    // posting the labelmaps (a structured clone of tens of MB) is its own task, not part of
    // the task that showed the prediction
    this.running = key;
    this.set({ status: { kind: 'running' }, current: null });
    setTimeout(() => {
      if (this.running === key) this.compute(key, mk, pred);
    }, 0);
  }

  private compute(key: string, mk: string, pred: OverlayState) {
    const reference = this.viewer.getLabelmap('reference');
    const prediction = this.viewer.getLabelmap('prediction');
    const studyKey = this.studyKey;
    if (!reference || !prediction || !studyKey) return;
    if (this.client.busy()) this.client.fail('Superseded by a newer prediction');
    this.running = key;
    this.set({ status: { kind: 'running' }, current: null });
    const ref = this.viewer.overlays.list().find((o) => o.source === 'reference');
    const send = async () => {
      for (const [label, data] of Object.entries(pred.origin.probabilities ?? {})) {
        const ack = await this.client.request({ type: 'probability', label: Number(label), data });
        if (!ack.ok) return ack;
      }
      return this.client.request({
        type: 'compute',
        key,
        reference,
        prediction,
        referenceSource: { kind: ref?.origin.kind ?? 'labelmap', source: ref?.title ?? '' },
        predictionSource: {
          kind: pred.origin.kind,
          source: pred.title,
          ...(pred.origin.model ? { model: pred.origin.model } : {}),
          ...(pred.origin.backend ? { backend: pred.origin.backend } : {}),
          ...(pred.origin.inferenceMs !== undefined
            ? { inferenceMs: pred.origin.inferenceMs }
            : {}),
        },
        case: {
          studyInstanceUID: this.viewer.studyInstanceUID,
          seriesInstanceUID: this.viewer.seriesInstanceUID,
        },
      });
    };
    void send().then((res) => {
      if (this.running !== key) return;
      this.running = null;
      if (res.type !== 'compute' || !res.ok) {
        this.set({
          status: { kind: 'error', message: res.ok ? 'unexpected reply' : res.error },
        });
        return;
      }
      const result: CachedResult = {
        key,
        modelKey: mk,
        model: modelName(pred),
        report: res.report,
        structures: res.structures,
        ms: res.ms,
      };
      let perStudy = CACHE.get(studyKey);
      if (!perStudy) CACHE.set(studyKey, (perStudy = new Map()));
      perStudy.set(mk, result);
      this.set({ status: { kind: 'done', cached: false }, current: result });
    });
  }

  /** Re-runs the computation of the current result if the worker no longer holds its voxels. */
  private async withProducts<T>(
    job: Job,
    pick: (r: DisagreementResponse) => T | undefined,
  ): Promise<T> {
    let res = await this.client.request(job);
    if (!res.ok && res.missing) {
      const current = this.state.current;
      const pred = this.viewer.overlays.list().find((o) => o.source === 'prediction');
      if (!current || !pred) throw new Error('No disagreement result');
      // rebuild the voxel products in the worker, then ask again
      this.state = { ...this.state, current: null };
      this.compute(current.key, current.modelKey, pred);
      await new Promise<void>((resolve) => {
        const off = this.subscribe((s) => {
          if (s.status.kind !== 'running') {
            off();
            resolve();
          }
        });
      });
      res = await this.client.request(job);
    }
    if (!res.ok) throw new Error(res.error);
    const out = pick(res);
    if (out === undefined) throw new Error('unexpected reply from the disagreement worker');
    return out;
  }

  /**
   * DisagreementClass per voxel of the image grid, for one structure at threshold τ; or, with
   * `distanceMaxMm`, the distance-binned labels of `distanceLabels`.
   */
  layer(label: number, tauMm: number, distanceMaxMm?: number): Promise<Uint8Array> {
    const key = this.state.current?.key;
    if (!key) return Promise.reject(new Error('No disagreement result'));
    return this.withProducts({ type: 'layer', key, label, tauMm, distanceMaxMm }, (r) =>
      r.type === 'layer' && r.ok ? r.classes : undefined,
    );
  }

  /** Boundary (≤ τ) and gross (> τ) FP/FN volumes per structure. */
  boundaryGross(tauMm: number): Promise<Record<number, BoundaryGrossVolumes>> {
    const key = this.state.current?.key;
    if (!key) return Promise.reject(new Error('No disagreement result'));
    return this.withProducts({ type: 'boundaryGross', key, tauMm }, (r) =>
      r.type === 'boundaryGross' && r.ok ? r.volumes : undefined,
    );
  }

  destroy() {
    this.unsubscribe();
    this.client.fail('Closed');
    this.listeners.clear();
  }
}

const sessions = new Map<ViewerHost, { session: DisagreementSession; users: number }>();

/** The session of a viewer bridge, shared by the panels that use it; release when done. */
export function acquireSession(viewer: ViewerHost): DisagreementSession {
  let s = sessions.get(viewer);
  if (!s) sessions.set(viewer, (s = { session: new DisagreementSession(viewer), users: 0 }));
  s.users++;
  return s.session;
}

export function releaseSession(viewer: ViewerHost) {
  const s = sessions.get(viewer);
  if (!s || --s.users > 0) return;
  sessions.delete(viewer);
  s.session.destroy();
}

/** What the worst-slice hotkeys act on: the structure shown in the Disagreement panel. */
let navigation: { viewer: ViewerHost; ranking: number[] } | null = null;

export function setWorstSliceNavigation(next: { viewer: ViewerHost; ranking: number[] } | null) {
  navigation = next;
}

/** Moves the viewport to the next (1) or previous (-1) worst slice; returns it, or null. */
export function stepToWorstSlice(direction: 1 | -1): number | null {
  if (!navigation) return null;
  const { viewer, ranking } = navigation;
  const target = stepWorstSlice(ranking, viewer.getSliceIndex(), direction);
  if (target !== null) viewer.setSliceIndex(target);
  return target;
}

export function worstSliceRanking(s: StructureSummary): number[] {
  return rankWorstSlices({ axis: 2, fp: s.fp, fn: s.fn });
}
