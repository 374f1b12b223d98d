/**
 * The evaluation session of one viewer host (docs/architecture.md#data-flow): it
 * watches the host's reference and prediction overlays and, for each (image series, reference
 * generation, prediction generation, probabilities), computes the `concord.report/v1` report
 * and the disagreement products once, in its one analysis worker. The Metrics, Disagreement,
 * Volumetric-bias and Export panels subscribe to its typed state instead of computing the same
 * metrics each. A new prediction or reference supersedes a running evaluation (the worker is
 * restarted if it is computing). Results are kept per study, series and reference for each
 * model (the Volumetric-bias panel lists them; running a model again shows its result at once).
 * DOM-free: the worker factory is injected (a browser Worker, a worker_threads Worker through
 * `nodeEndpoint`, a MessagePort).
 */
import {
  connect,
  isAbortError,
  userMessage,
  type Endpoint,
  type LabelVolume,
  type OverlayState,
  type Remote,
  type ViewerHost,
} from '@concord/core';
import type { BoundaryGrossVolumes } from '../disagreement/classify.ts';
import { stepWorstSlice } from '../disagreement/sliceProfile.ts';
import type { EvaluationReport, ReportPrediction, ReportSource } from '../report/report.ts';
import {
  NOT_COMPUTED,
  type AnalysisApi,
  type EvaluateInput,
  type EvaluateOutput,
  type StructureSummary,
} from './analysisApi.ts';
import type { ManualPair } from '../engine/pairing.ts';
import { validInstanceOptions, type InstanceOptions } from '../engine/lesions.ts';
import type { UncertaintyMeasure } from '../engine/probabilistic.ts';
import { EMPTY, stageParts, type PartData } from './parts.ts';

export type EvaluationStatus = 'idle' | 'computing' | 'ready' | 'error';

/** What an evaluation was computed from: the host's series and its overlays' generations. */
export interface EvaluationInputs {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  referenceGeneration: number;
  predictionGeneration: number;
}

/** One model's evaluation against the reference (kept per study, series and reference). */
export interface ModelEvaluation {
  /** The worker keeps the voxel products (layer, boundary/gross) under this key. */
  key: string;
  /** The model within its study: name, version and hash, or the file's name and counts. */
  modelKey: string;
  /** Shown name: model name and version, or the overlay title. */
  model: string;
  report: EvaluationReport;
  /** The disagreement products' per-structure summary; null while they are computed. */
  structures: StructureSummary[] | null;
  /** Worker time of the metrics, ms. */
  ms: number;
}

/** What the disagreement views show of the current evaluation. */
export interface DisagreementSummary {
  key: string;
  model: string;
  /** null while the products are computed (they follow the report). */
  structures: StructureSummary[] | null;
  ms: number;
  /** true: shown from the session's results of this model, nothing computed. */
  cached: boolean;
}

export interface EvaluationState {
  status: EvaluationStatus;
  /** The inputs of the evaluation shown or being computed (null while idle). */
  inputs: EvaluationInputs | null;
  report: EvaluationReport | null;
  disagreement: DisagreementSummary | null;
  error: string | null;
  /** Every model evaluated on this study and series against the current reference. */
  models: ModelEvaluation[];
  /**
   * The boundary/gross threshold τ (mm) the viewer shows; the PDF export uses the same. null:
   * the report's first NSD tolerance (`tauOf`).
   */
  tauMm: number | null;
}

/** The τ of a state: the one chosen in the viewer, else the report's first NSD tolerance. */
export function tauOf(state: Pick<EvaluationState, 'tauMm' | 'report'>): number {
  return state.tauMm ?? state.report?.definitions.tolerancesMm[0] ?? 1;
}

export interface EvaluationSessionOptions {
  /** Starts an analysis worker; called again after the session stops a computing one. */
  createWorker: () => Endpoint;
  /** NSD tolerances (default: the engine's). */
  tolerancesMm?: number[];
}

const IDLE: EvaluationState = {
  status: 'idle',
  inputs: null,
  report: null,
  disagreement: null,
  error: null,
  models: [],
  tauMm: null,
};

interface Run {
  /** The inputs' key (series, overlay generations, retries). */
  evalKey: string;
  abort: AbortController;
  /** The evaluate call is in the worker (cancelling it means stopping the worker). */
  evaluating: boolean;
}

interface Sources {
  referenceSource: ReportSource;
  predictionSource: ReportPrediction;
  case: { studyInstanceUID: string; seriesInstanceUID: string };
}

function modelName(pred: OverlayState): string {
  const m = pred.origin.model;
  return m ? `${m.name} ${m.version}` : pred.title;
}

function modelKey(pred: OverlayState): string {
  const m = pred.origin.model;
  return m
    ? `model:${m.name}@${m.version}#${m.sha256}`
    : `overlay:${pred.title}#${JSON.stringify(pred.counts)}`;
}

function sourcesOf(host: ViewerHost, ref: OverlayState, pred: OverlayState): Sources {
  const o = pred.origin;
  return {
    referenceSource: { kind: ref.origin.kind, source: ref.title },
    predictionSource: {
      kind: o.kind,
      source: pred.title,
      ...(o.model ? { model: o.model } : {}),
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.inferenceMs !== undefined ? { inferenceMs: o.inferenceMs } : {}),
    },
    case: { studyInstanceUID: host.studyInstanceUID, seriesInstanceUID: host.seriesInstanceUID },
  };
}

const overlay = (overlays: OverlayState[], source: 'reference' | 'prediction') =>
  overlays.find((o) => o.source === source);

/**
 * A subscriber of the session. `newReport`: the change carries a report not shown before (a
 * panel may render it as a low-priority update: 116 structures are thousands of cells); other
 * changes answer a user's action and should show at once.
 */
export type EvaluationListener = (state: EvaluationState, change: { newReport: boolean }) => void;

export class EvaluationSession {
  private current: EvaluationState = IDLE;
  private listeners = new Set<EvaluationListener>();
  private offHost: (() => void) | null = null;
  private remote: Remote<AnalysisApi> | null = null;
  private run: Run | null = null;
  /** Key of the inputs the state shows (ready, error or cancelled). */
  private shown: string | null = null;
  private studyKey: string | null = null;
  private token = 0;
  private retries = 0;
  /** Per study, series and reference: the latest evaluation of each model. */
  private results = new Map<string, Map<string, ModelEvaluation>>();
  private rebuilding: { key: string; done: Promise<void> } | null = null;
  /** The worst slices of the structure chosen in the host's Disagreement panel. */
  private worstSlices: number[] | null = null;
  /** Structure pairs the user chose (docs/structures.md); the engine pairs the rest. */
  private manualPairs: ManualPair[] = [];
  /** The inputs (series, overlay generations) the hand-made pairs were chosen for. */
  private pairsFor: string | null = null;
  /** Structures the user marked as instances (kept for the session: they apply to every model). */
  private instanceOptions: InstanceOptions | null = null;

  constructor(
    readonly host: ViewerHost,
    private readonly options: EvaluationSessionOptions,
  ) {}

  /** The state now (`subscribe` to follow it). */
  get state(): EvaluationState {
    return this.current;
  }

  /**
   * Calls `fn` with the state now and on every change. The session follows the host's
   * overlays while it has subscribers; after the last one leaves, it stops its worker.
   */
  subscribe(fn: EvaluationListener): () => void {
    if (!this.offHost) this.offHost = this.host.subscribe((o) => this.onOverlays(o));
    this.listeners.add(fn);
    fn(this.state, { newReport: false });
    return () => {
      if (!this.listeners.delete(fn) || this.listeners.size > 0) return;
      this.offHost?.();
      this.offHost = null;
      if (this.run) {
        this.stopRun();
        this.shown = null;
        this.set({ ...IDLE, tauMm: this.current.tauMm });
      }
      this.remote?.close();
      this.remote = null;
    };
  }

  /**
   * The report of the current inputs, once ready. Rejects if the evaluation fails, if the
   * reference or prediction goes away, or when `signal` fires.
   */
  whenReady(
    signal?: AbortSignal,
  ): Promise<EvaluationState & { report: EvaluationReport; inputs: EvaluationInputs }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let off = () => {};
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        queueMicrotask(() => off());
        fn();
      };
      const onAbort = () =>
        settle(() => reject(Object.assign(new Error('Cancelled'), { name: 'AbortError' })));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      off = this.subscribe((s) => {
        if (s.status === 'ready' && s.report && s.inputs)
          settle(() =>
            resolve(s as EvaluationState & { report: EvaluationReport; inputs: EvaluationInputs }),
          );
        else if (s.status === 'error') settle(() => reject(new Error(s.error ?? 'Failed')));
        else if (s.status === 'idle')
          settle(() => reject(new Error('Both a reference and a model labelmap must be shown')));
      });
    });
  }

  /** Stops the running evaluation (state: error "Cancelled"; `retry` runs it again). */
  cancel(): void {
    const run = this.run;
    if (!run) return;
    this.stopRun();
    this.shown = run.evalKey;
    this.set({ status: 'error', error: 'Cancelled' });
  }

  /** Evaluates the current overlays again (after an error or a cancel). */
  retry(): void {
    this.retries++;
    this.onOverlays(this.host.overlays.list());
  }

  /**
   * DisagreementClass per voxel of the image grid for one structure of the current
   * evaluation at threshold τ; or, with `distanceMaxMm`, FP/FN binned by distance
   * (`distanceLabels`).
   */
  layer(label: number, tauMm: number, distanceMaxMm?: number): Promise<Uint8Array> {
    return this.withProducts((remote, key) =>
      remote.call('layer', { key, label, tauMm, distanceMaxMm }),
    );
  }

  /**
   * The uncertainty overlay of the current evaluation: entropy (bits, clipped at 1) or 1 − max p per
   * voxel, quantised to levels (docs/calibration.md); fails without class probabilities.
   */
  uncertaintyLayer(measure: UncertaintyMeasure): Promise<Uint8Array> {
    return this.withProducts((remote, key) => remote.call('uncertainty', { key, measure }));
  }

  /** Boundary (≤ τ) and gross (> τ) FP/FN volumes per structure of the current evaluation. */
  boundaryGross(tauMm: number): Promise<Record<number, BoundaryGrossVolumes>> {
    return this.withProducts((remote, key) => remote.call('boundaryGross', { key, tauMm }));
  }

  /** The structure pairs the user chose (reference and prediction numbers). */
  get pairs(): readonly ManualPair[] {
    return this.manualPairs;
  }

  /**
   * Pairs reference and prediction structures by hand (the engine pairs the rest by code,
   * name and number) and evaluates again; [] goes back to automatic pairing.
   */
  setPairs(pairs: readonly ManualPair[]): void {
    this.manualPairs = pairs.map((p) => ({ reference: p.reference, prediction: p.prediction }));
    this.pairsFor = this.inputsKey(this.host.overlays.list());
    this.onOverlays(this.host.overlays.list());
  }

  /** The structures evaluated lesion-wise, and how (null: none). */
  get instances(): InstanceOptions | null {
    return this.instanceOptions;
  }

  /**
   * Marks structures (pair labels) as instances and evaluates again, so that the report carries
   * their lesion-wise results (docs/metrics.md#lesion-wise-evaluation); null or no labels: none.
   */
  setInstances(options: InstanceOptions | null): void {
    if (options) validInstanceOptions(options);
    this.instanceOptions =
      options && options.labels.length
        ? { ...options, labels: [...new Set(options.labels)].sort((a, b) => a - b) }
        : null;
    this.onOverlays(this.host.overlays.list());
  }

  private instanceKey(): string {
    const o = this.instanceOptions;
    return o ? `${o.labels.join(',')}/${o.connectivity ?? 26}/${o.match ?? 'iou'}` : '';
  }

  /** Sets the boundary/gross threshold τ shown by the viewer and used by the PDF export. */
  setTauMm(tauMm: number): void {
    if (!(tauMm >= 0)) throw new Error(`τ must be a number of mm ≥ 0 (got ${tauMm})`);
    if (tauMm !== this.current.tauMm) this.set({ tauMm });
  }

  /** What the worst-slice commands step through on this host (null: nothing chosen). */
  setWorstSlices(ranking: number[] | null): void {
    this.worstSlices = ranking;
  }

  /** Moves the host's viewport to the next (1) or previous (-1) worst slice; returns it, or null. */
  stepToWorstSlice(direction: 1 | -1): number | null {
    if (!this.worstSlices) return null;
    const target = stepWorstSlice(this.worstSlices, this.host.getSliceIndex(), direction);
    if (target !== null) this.host.setSliceIndex(target);
    return target;
  }

  private set(patch: Partial<EvaluationState>) {
    const models = this.studyKey ? [...(this.results.get(this.studyKey)?.values() ?? [])] : [];
    const before = this.current.report;
    this.current = { ...this.current, ...patch, models };
    const change = { newReport: this.current.report !== null && this.current.report !== before };
    for (const fn of [...this.listeners]) fn(this.current, change);
  }

  private worker(): Remote<AnalysisApi> {
    this.remote ??= connect<AnalysisApi>(this.options.createWorker());
    return this.remote;
  }

  /** Aborts the running evaluation; a worker in the middle of computing it is stopped. */
  private stopRun() {
    const run = this.run;
    if (!run) return;
    this.run = null;
    run.abort.abort();
    if (run.evaluating) {
      this.remote?.close();
      this.remote = null;
    }
  }

  /** Series and overlay generations of the inputs, or null without both overlays. */
  private inputsKey(overlays: OverlayState[]): string | null {
    const ref = overlay(overlays, 'reference');
    const pred = overlay(overlays, 'prediction');
    if (!ref || !pred) return null;
    return `${this.host.studyInstanceUID}|${this.host.seriesInstanceUID}|${ref.generation}/${pred.generation}`;
  }

  private onOverlays(overlays: OverlayState[]) {
    const ref = overlay(overlays, 'reference');
    const pred = overlay(overlays, 'prediction');
    // pairs chosen by hand belong to the inputs they were chosen for: new inputs pair afresh
    if (this.manualPairs.length && this.pairsFor !== this.inputsKey(overlays)) {
      this.manualPairs = [];
      this.pairsFor = null;
    }
    if (!ref || !pred) {
      // a reference alone: start the worker now, so that its module has loaded by the time
      // a model's labelmap comes (a second or more of a 116-structure run, docs/performance.md)
      this.stopRun();
      if (ref) this.worker();
      this.shown = null;
      this.studyKey = null;
      if (this.state.status !== 'idle') this.set({ ...IDLE, tauMm: this.current.tauMm });
      return;
    }
    const h = this.host;
    // hand-made pairs are part of the inputs: another pairing is another evaluation
    const pairKey = this.manualPairs.map((p) => `${p.reference}-${p.prediction}`).join(',');
    // so are the structures marked as instances
    const instKey = this.instanceKey();
    const evalKey = `${h.studyInstanceUID}|${h.seriesInstanceUID}|${ref.generation}/${pred.generation}#${this.retries}|${pairKey}|${instKey}`;
    if (this.shown === evalKey || this.run?.evalKey === evalKey) return;
    this.stopRun();
    this.studyKey = `${h.studyInstanceUID}|${h.seriesInstanceUID}|reference#${ref.generation}|${pairKey}|${instKey}`;
    const inputs: EvaluationInputs = {
      studyInstanceUID: h.studyInstanceUID,
      seriesInstanceUID: h.seriesInstanceUID,
      referenceGeneration: ref.generation,
      predictionGeneration: pred.generation,
    };
    const sources = sourcesOf(h, ref, pred);
    const mk = modelKey(pred);
    // a model's prediction on a series is deterministic (same name, version and weights):
    // its evaluation against this reference is the one computed before
    const hit = pred.origin.model ? this.results.get(this.studyKey)?.get(mk) : undefined;
    if (hit) {
      this.shown = evalKey;
      const report: EvaluationReport = {
        ...hit.report,
        generatedAt: new Date().toISOString(),
        prediction: sources.predictionSource,
      };
      this.set({
        status: 'ready',
        inputs,
        report,
        disagreement: { ...hit, cached: true },
        error: null,
      });
      // its products were not computed (the worker was stopped first): now
      if (!hit.structures) this.showProducts(hit, this.studyKey);
      return;
    }
    const run: Run = { evalKey, abort: new AbortController(), evaluating: false };
    this.run = run;
    this.set({ status: 'computing', inputs, report: null, disagreement: null, error: null });
    const studyKey = this.studyKey;
    this.compute(evalKey, pred, sources, run).then(
      (out) => {
        if (this.run !== run) return;
        this.run = null;
        this.shown = evalKey;
        const result: ModelEvaluation = {
          key: evalKey,
          modelKey: mk,
          model: modelName(pred),
          report: out.report,
          structures: null,
          ms: out.ms,
        };
        let perStudy = this.results.get(studyKey);
        if (!perStudy) this.results.set(studyKey, (perStudy = new Map()));
        perStudy.set(mk, result);
        // the numbers first; the disagreement products follow from the same worker (a newer
        // evaluation waits for them there: it is not stopped for them)
        this.set({
          status: 'ready',
          report: out.report,
          disagreement: { ...result, cached: false },
        });
        this.showProducts(result, studyKey);
      },
      (e: unknown) => {
        if (this.run !== run) return;
        this.run = null;
        this.shown = evalKey;
        // a fresh worker for the next evaluation (this one may have failed to load or died)
        this.remote?.close();
        this.remote = null;
        this.set({ status: 'error', error: isAbortError(e) ? 'Cancelled' : userMessage(e) });
      },
    );
  }

  /**
   * Sends the labelmaps and each class's probabilities one per task, then evaluates them
   * under `key` in the worker.
   */
  private async compute(
    key: string,
    pred: OverlayState,
    sources: Sources,
    run?: Run,
  ): Promise<EvaluateOutput> {
    const reference = this.host.getLabelmap('reference');
    const prediction = this.host.getLabelmap('prediction');
    if (!reference || !prediction)
      throw new Error('Both a reference and a model labelmap must be shown');
    const probabilities = pred.origin.probabilities ?? {};
    const labels = Object.keys(probabilities).map(Number);
    // overlapping structures' layers travel as parts too (docs/structures.md)
    const layerParts = (v: LabelVolume, side: string): Array<[string, PartData]> =>
      (v.overlapLayers ?? []).map((a, k) => [`${side}.layer${k + 1}`, a]);
    const parts: Array<[string, PartData]> = [
      ['reference', reference.data],
      ['prediction', prediction.data],
      ...layerParts(reference, 'reference'),
      ...layerParts(prediction, 'prediction'),
      ...labels.map((l) => [`p${l}`, probabilities[l]] as [string, PartData]),
    ];
    const token = ++this.token;
    const signal = run?.abort.signal;
    const remote = this.worker();
    await stageParts(remote, token, parts, { signal, measure: 'concord:evaluation:post' });
    const input: EvaluateInput = {
      key,
      token,
      reference: { ...reference, data: EMPTY, overlapLayers: undefined },
      prediction: { ...prediction, data: EMPTY, overlapLayers: undefined },
      overlapLayers: {
        reference: reference.overlapLayers?.length ?? 0,
        prediction: prediction.overlapLayers?.length ?? 0,
      },
      probabilityLabels: labels,
      tolerancesMm: this.options.tolerancesMm,
      pairs: this.manualPairs,
      ...(this.instanceOptions ? { instances: this.instanceOptions } : {}),
      ...sources,
    };
    if (run) run.evaluating = true;
    const t0 = performance.now();
    try {
      const out = await remote.call('evaluate', input, { signal });
      // the engine's own time in the worker, against the whole call (docs/performance.md)
      const t1 = performance.now();
      performance.measure('concord:evaluation:engine', { start: t1 - out.ms, end: t1 });
      return out;
    } finally {
      performance.measure('concord:evaluation:worker', { start: t0 });
      if (run) run.evaluating = false;
    }
  }

  /**
   * Asks for the disagreement products of a shown evaluation (they follow its report) and
   * shows them; the session's result of that model gets them too.
   */
  private showProducts(result: ModelEvaluation, studyKey: string) {
    const t0 = performance.now();
    this.withProducts((remote, key) => remote.call('products', { key })).then(
      ({ structures }) => {
        performance.measure('concord:evaluation:products', { start: t0 });
        const perStudy = this.results.get(studyKey);
        if (perStudy?.get(result.modelKey)?.key === result.key)
          perStudy.set(result.modelKey, { ...result, structures });
        const shown = this.state.disagreement;
        if (shown?.key === result.key) this.set({ disagreement: { ...shown, structures } });
      },
      (e: unknown) => {
        if (this.state.disagreement?.key !== result.key) return; // another result is shown
        this.set({ status: 'error', error: `Disagreement: ${userMessage(e)}` });
      },
    );
  }

  /**
   * Asks the worker for a product of the current evaluation; if the worker no longer holds its
   * voxels (a newer evaluation pushed them out, or a result shown from the session's results),
   * evaluates the current overlays again under the same key first.
   */
  private async withProducts<T>(
    request: (remote: Remote<AnalysisApi>, key: string) => Promise<T>,
  ): Promise<T> {
    const current = this.state.disagreement;
    if (!current) throw new Error('No disagreement result');
    try {
      return await request(this.worker(), current.key);
    } catch (e) {
      if ((e as { code?: unknown }).code !== NOT_COMPUTED) throw e;
    }
    await this.rebuild(current.key);
    return request(this.worker(), current.key);
  }

  private rebuild(key: string): Promise<void> {
    if (this.rebuilding?.key === key) return this.rebuilding.done;
    const overlays = this.host.overlays.list();
    const ref = overlay(overlays, 'reference');
    const pred = overlay(overlays, 'prediction');
    if (!ref || !pred) return Promise.reject(new Error('No disagreement result'));
    const done = this.compute(key, pred, sourcesOf(this.host, ref, pred)).then(() => undefined);
    const entry = { key, done };
    this.rebuilding = entry;
    const clear = () => {
      if (this.rebuilding === entry) this.rebuilding = null;
    };
    done.then(clear, clear);
    return done;
  }
}
