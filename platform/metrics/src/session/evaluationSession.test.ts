import { describe, expect, it } from 'vitest';
import {
  expose,
  portEndpoint,
  type MessagePortLike,
  type CallContext,
  type Endpoint,
  type LabelVolume,
  type OverlayOrigin,
  type OverlaySource,
  type OverlayState,
  type ViewerHost,
} from '@concord/core';
import { classifyDisagreement } from '../disagreement/classify.ts';
import { expandDisagreement } from '../engine/disagreement.ts';
import { computeMetrics } from '../engine/metrics.ts';
import { box, grid, sphere, volume } from '../engine/testing/volumes.ts';
import { createAnalysisApi, type EvaluateInput } from './analysisApi.ts';
import { distanceLabels } from './distanceLayer.ts';
import { tauOf, type EvaluationState } from './evaluationSession.ts';
import { getEvaluationSession } from './registry.ts';

/** A viewer host over plain labelmaps (the app's is over Cornerstone): overlays + slice index. */
function testHost(series = 'SE1'): ViewerHost {
  let generation = 0;
  let slice = 0;
  const states = new Map<OverlaySource, OverlayState>();
  const labelmaps = new Map<OverlaySource, LabelVolume>();
  const listeners = new Set<(o: OverlayState[]) => void>();
  const list = () => [...states.values()];
  const emit = () => listeners.forEach((fn) => fn(list()));
  const host: ViewerHost = {
    studyInstanceUID: 'ST1',
    seriesInstanceUID: series,
    models: [],
    getImageVolume: () => Promise.reject(new Error('no image in this test')),
    getSeries: () => Promise.reject(new Error('no image in this test')),
    getLabelmap: (source) => labelmaps.get(source),
    showLabelmap(source, labelmap, title, origin: OverlayOrigin = { kind: 'labelmap' }) {
      const counts: Record<number, number> = {};
      for (const v of labelmap.data) if (v) counts[v] = (counts[v] ?? 0) + 1;
      labelmaps.set(source, labelmap);
      states.set(source, {
        source,
        origin,
        generation: ++generation,
        title,
        labels: labelmap.labels ?? [],
        visible: true,
        hiddenLabels: [],
        style: { fill: true, outline: false, opacity: 0.5 },
        counts,
      });
      emit();
      return labelmap;
    },
    showLabelmapInTasks: (source, labelmap, title, origin) =>
      Promise.resolve(host.showLabelmap(source, labelmap, title, origin)),
    registerOverlaySource: () => () => {},
    getSliceIndex: () => slice,
    setSliceIndex: (k) => {
      slice = k;
    },
    subscribe(fn) {
      listeners.add(fn);
      fn(list());
      return () => listeners.delete(fn);
    },
    overlays: {
      list,
      remove(source) {
        states.delete(source);
        labelmaps.delete(source);
        emit();
      },
      setVisible() {},
    },
  };
  return host;
}

/**
 * Analysis workers on MessageChannels with the real engine, counting the metric computations
 * they start and finish; `hold` keeps the next computations waiting until released.
 */
function analysisWorkers() {
  const started: string[] = [];
  const finished: string[] = [];
  const terminated: number[] = [];
  let created = 0;
  let gate: Promise<void> | null = null;
  let release = () => {};
  const endpoint = (p: MessagePortLike, onTerminate?: () => void): Endpoint => {
    const base = portEndpoint(p);
    return {
      ...base,
      terminate: () => {
        base.terminate?.();
        onTerminate?.();
      },
    };
  };
  return {
    started,
    finished,
    terminated,
    created: () => created,
    hold() {
      gate = new Promise<void>((r) => (release = r));
    },
    release: () => {
      gate = null;
      release();
    },
    createWorker(): Endpoint {
      const id = ++created;
      const { port1, port2 } = new MessageChannel();
      const api = createAnalysisApi();
      expose(
        {
          ...api,
          evaluate: async (input: EvaluateInput, _ctx: CallContext) => {
            started.push(input.predictionSource.source);
            if (gate) await gate;
            const out = api.evaluate(input);
            finished.push(input.predictionSource.source);
            return out;
          },
        },
        endpoint(port2),
      );
      return endpoint(port1, () => terminated.push(id));
    },
  };
}

const g = grid([24, 20, 12], [0.8, 0.9, 1.5]);
const labels = [
  { label: 1, name: 'Ball' },
  { label: 2, name: 'Block' },
];
const reference: LabelVolume = {
  ...volume(
    g,
    (i, j, k) => sphere([8, 9, 6], 5, 1)(i, j, k) || box([14, 4, 2], [20, 12, 9], 2)(i, j, k),
  ),
  labels,
};
const predictionA: LabelVolume = {
  ...volume(
    g,
    (i, j, k) => sphere([9, 9, 6], 5, 1)(i, j, k) || box([15, 4, 3], [21, 13, 9], 2)(i, j, k),
  ),
  labels,
};
const predictionB: LabelVolume = {
  ...volume(
    g,
    (i, j, k) => sphere([7, 10, 5], 4, 1)(i, j, k) || box([13, 5, 2], [19, 11, 8], 2)(i, j, k),
  ),
  labels,
};
/** Per-class probabilities consistent with prediction A (for the soft metrics). */
const probabilitiesA: Record<number, Float32Array> = Object.fromEntries(
  [1, 2].map((l) => [l, Float32Array.from(predictionA.data, (v) => (v === l ? 0.9 : 0.05))]),
);
const MODEL = { name: 'unet-test', version: '1.0.0', sha256: 'ab'.repeat(32) };

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('evaluation session', () => {
  it('computes the metrics of one model run exactly once for the four panels that show them', async () => {
    const workers = analysisWorkers();
    const host = testHost();
    host.showLabelmap('reference', reference, 'reference.nii.gz', { kind: 'nifti' });
    // the Metrics, Disagreement, Volumetric-bias and Export panels each find the session of
    // their host and subscribe to it
    const consumers = ['metrics', 'disagreement', 'volumeBias', 'export'].map(() => {
      const session = getEvaluationSession(host, { createWorker: () => workers.createWorker() });
      const seen: EvaluationState[] = [];
      session.subscribe((s) => seen.push(s));
      return { session, seen };
    });
    const session = consumers[0].session;
    for (const c of consumers) expect(c.session).toBe(session);
    expect(session.state.status).toBe('idle');

    host.showLabelmap('prediction', predictionA, MODEL.name, {
      kind: 'model',
      model: MODEL,
      backend: 'wasm',
      inferenceMs: 1234,
      probabilities: probabilitiesA,
    });
    expect(session.state.status).toBe('computing');
    // the Export panel waits for the report instead of computing it
    const ready = await session.whenReady();
    // the numbers come first, the disagreement products after them
    expect(session.state.disagreement?.structures).toBeNull();
    await waitFor(() => !!session.state.disagreement?.structures);
    const layer = await session.layer(1, 2);
    const byDistance = await session.layer(1, 2, 10);
    const volumes = await session.boundaryGross(2);
    expect(workers.started).toEqual([MODEL.name]);
    expect(workers.finished).toEqual([MODEL.name]);
    expect(workers.created()).toBe(1);

    // the engine's numbers for the same inputs
    const expected = computeMetrics(reference, predictionA, {
      labelNames: { 1: 'Ball', 2: 'Block' },
      probabilities: probabilitiesA,
      disagreement: true,
    });
    const report = ready.report;
    expect(report.structures.map((s) => [s.label, s.dice, s.hd95, s.softDice])).toEqual(
      expected.structures.map((s) => [s.label, s.dice, s.hd95, s.softDice]),
    );
    expect(report.summary.meanDice).toBe(expected.summary.meanDice);
    expect(report.prediction).toEqual({
      kind: 'model',
      source: MODEL.name,
      model: MODEL,
      backend: 'wasm',
      inferenceMs: 1234,
    });
    expect(report.case).toEqual({ studyInstanceUID: 'ST1', seriesInstanceUID: 'SE1' });
    // every consumer got the same report object, and the disagreement products of this run
    for (const c of consumers) {
      const last = c.seen[c.seen.length - 1];
      expect(last.status).toBe('ready');
      expect(last.report).toBe(report);
      expect(last.disagreement?.cached).toBe(false);
      expect(last.models.map((m) => m.model)).toEqual(['unet-test 1.0.0']);
    }
    const d1 = expected.disagreement!.find((d) => d.label === 1)!;
    const full = expandDisagreement(d1, g.dims);
    expect([...layer]).toEqual([...classifyDisagreement(full.codes, full.distancesMm, 2)]);
    expect([...byDistance]).toEqual([...distanceLabels(full.codes, full.distancesMm, 10)]);
    // the structure's box is smaller than the grid: the placement is checked too
    expect(d1.codes.length).toBeLessThan(layer.length);
    expect(volumes[1].fpBoundaryMl + volumes[1].fpGrossMl).toBeCloseTo(
      (report.structures[0].fp * 0.8 * 0.9 * 1.5) / 1000,
      12,
    );
    expect(session.state.disagreement?.structures?.[0].fp.length).toBe(g.dims[2]);
    expect(session.state.models[0].structures).toBe(session.state.disagreement?.structures);

    // the same model again (a new overlay generation): its result, nothing computed
    host.showLabelmap('prediction', predictionA, MODEL.name, {
      kind: 'model',
      model: MODEL,
      backend: 'webgpu',
      inferenceMs: 99,
      probabilities: probabilitiesA,
    });
    expect(session.state.status).toBe('ready');
    expect(session.state.disagreement?.cached).toBe(true);
    expect(session.state.report?.structures).toEqual(report.structures);
    expect(session.state.report?.prediction.backend).toBe('webgpu');
    expect(workers.started).toHaveLength(1);
  });

  it('a new prediction supersedes the running evaluation (staging or computing)', async () => {
    const workers = analysisWorkers();
    const host = testHost();
    const session = getEvaluationSession(host, { createWorker: () => workers.createWorker() });
    const shown: Array<string | undefined> = [];
    session.subscribe((s, change) => {
      // a report shown (its disagreement products follow as a change of their own)
      if (s.status === 'ready' && change.newReport) shown.push(s.report?.prediction.source);
    });
    host.showLabelmap('reference', reference, 'reference.nii.gz', { kind: 'nifti' });

    // superseded while its arrays are being sent: A never reaches the engine
    host.showLabelmap('prediction', predictionA, 'a.nii.gz', { kind: 'nifti' });
    host.showLabelmap('prediction', predictionB, 'b.nii.gz', { kind: 'nifti' });
    await session.whenReady();
    expect(workers.started).toEqual(['b.nii.gz']);
    expect(shown).toEqual(['b.nii.gz']);

    // superseded while computing: the worker computing A is stopped, B runs on a fresh one
    workers.hold();
    host.showLabelmap('prediction', predictionA, 'a.nii.gz', { kind: 'nifti' });
    await waitFor(() => workers.started.length === 2);
    expect(session.state.status).toBe('computing');
    host.showLabelmap('prediction', predictionB, 'b2.nii.gz', { kind: 'nifti' });
    expect(workers.terminated).toEqual([1]);
    workers.release();
    const ready = await session.whenReady();
    expect(workers.created()).toBe(2);
    expect(workers.started).toEqual(['b.nii.gz', 'a.nii.gz', 'b2.nii.gz']);
    expect(ready.report.prediction.source).toBe('b2.nii.gz');
    expect(ready.inputs.predictionGeneration).toBe(host.overlays.list()[1].generation);
    const expected = computeMetrics(reference, predictionB, { labelNames: { 1: 'Ball' } });
    expect(ready.report.structures.map((s) => s.dice)).toEqual(
      expected.structures.map((s) => s.dice),
    );
    await new Promise((r) => setTimeout(r, 20));
    // A's result was never shown
    expect(shown).toEqual(['b.nii.gz', 'b2.nii.gz']);
    // the files' results are listed once per file
    expect(session.state.models.map((m) => m.model)).toEqual(['b.nii.gz', 'b2.nii.gz']);
  });

  it('reports an evaluation that fails, and runs it again on retry', async () => {
    const workers = analysisWorkers();
    const host = testHost();
    const session = getEvaluationSession(host, { createWorker: () => workers.createWorker() });
    session.subscribe(() => {});
    host.showLabelmap('reference', reference, 'reference.nii.gz');
    host.showLabelmap('prediction', { ...predictionA, dims: [12, 20, 24] }, 'wrong.nii.gz');
    await expect(session.whenReady()).rejects.toThrow(/grid|dims|geometry|match/i);
    expect(session.state.status).toBe('error');
    expect(session.state.error).toMatch(/grid|dims|geometry|match/i);
    host.showLabelmap('prediction', predictionA, 'a.nii.gz');
    expect((await session.whenReady()).report.prediction.source).toBe('a.nii.gz');
    session.cancel(); // nothing running: no change
    expect(session.state.status).toBe('ready');
  });

  it('evaluates the structures marked as instances lesion-wise, in the worker, for every model', async () => {
    const workers = analysisWorkers();
    const host = testHost('SL');
    const session = getEvaluationSession(host, { createWorker: () => workers.createWorker() });
    session.subscribe(() => {});
    host.showLabelmap('reference', reference, 'reference.nii.gz', { kind: 'nifti' });
    host.showLabelmap('prediction', predictionA, 'a.nii.gz');
    const plain = await session.whenReady();
    expect(plain.report.structures.every((s) => s.lesions === undefined)).toBe(true);
    session.setInstances({ labels: [2], connectivity: 6 });
    expect(session.state.status).toBe('computing');
    const marked = await session.whenReady();
    const want = computeMetrics(reference, predictionA, {
      instances: { labels: [2], connectivity: 6 },
    }).structures[1].lesions;
    expect(marked.report.structures[1].lesions).toEqual(want);
    expect(want).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(marked.report.structures[0].lesions).toBeUndefined();
    // the marks stay for the next model; unmarking evaluates again without lesions
    host.showLabelmap('prediction', predictionB, 'b.nii.gz');
    expect((await session.whenReady()).report.structures[1].lesions?.tp).toBe(1);
    session.setInstances(null);
    expect((await session.whenReady()).report.structures[1].lesions).toBeUndefined();
    expect(() => session.setInstances({ labels: [2], connectivity: 4 as 6 })).toThrow(
      'connectivity must be 6 or 26',
    );
  });

  it('is one per host, and keeps each host’s worst slices', () => {
    const a = testHost('SA');
    const b = testHost('SB');
    const sa = getEvaluationSession(a);
    expect(getEvaluationSession(a)).toBe(sa);
    expect(getEvaluationSession(b)).not.toBe(sa);
    sa.setWorstSlices([7, 3, 5]);
    expect(getEvaluationSession(b).stepToWorstSlice(1)).toBeNull();
    expect(sa.stepToWorstSlice(1)).toBe(7);
    expect(a.getSliceIndex()).toBe(7);
    expect(b.getSliceIndex()).toBe(0);
  });
});

describe('τ shared by the viewer and the PDF export', () => {
  it('is the report’s first tolerance until the viewer sets one', () => {
    const report = {
      definitions: { tolerancesMm: [1, 2] },
    } as unknown as EvaluationState['report'];
    expect(tauOf({ tauMm: null, report })).toBe(1);
    expect(tauOf({ tauMm: 2.5, report })).toBe(2.5);
    expect(tauOf({ tauMm: null, report: null })).toBe(1);
  });
});
