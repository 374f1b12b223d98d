/**
 * The Model panel: choose a configured model (or a local .onnx + manifest), run it on the
 * displayed series in the inference worker with progress and cancel, show the backend that
 * actually ran (and why it was chosen), its threads, timings and memory plan, and put the
 * labelmap on the viewer. Errors (manifest or model mismatch, a run that does not fit the memory
 * limit) are shown verbatim.
 */
import { useEffect, useRef, useState } from 'react';
import { isAbortError, nextTask, userMessage } from '@concord/core';
import type { HostPanelProps, LabelVolume, OverlayOrigin } from '@concord/core';
import {
  createInferenceClient,
  fetchModel,
  type InferenceClient,
  type ModelSource,
} from '@concord/inference/worker';
import { expectationMismatches, parseManifest } from '@concord/inference';
import type { WebBackendPreference } from '@concord/inference/web';
import type { InferenceProgress, InferenceResult } from '@concord/inference';

type RunSummary = Pick<
  InferenceResult,
  'backend' | 'threads' | 'timings' | 'model' | 'tiles' | 'batches' | 'memory'
>;

type RunState =
  | { kind: 'idle' }
  | { kind: 'loading'; what: string }
  | { kind: 'running'; progress?: InferenceProgress }
  /** `kept`: shown from this session's earlier run of the model, not run again */
  | { kind: 'done'; result: RunSummary; kept?: boolean; reason: string; limitGiB: number }
  | { kind: 'error'; message: string };

/**
 * A model's run kept for the session: its labelmap and how it was made. Choosing the model
 * again shows it at once (the evaluation session then has its metrics and disagreement
 * products: nothing is computed again). The class probabilities are not kept (hundreds of MB
 * per model); the session keeps the soft metrics computed from them.
 */
interface KeptRun {
  labelmap: LabelVolume;
  title: string;
  origin: OverlayOrigin;
  result: RunSummary;
  /** why the backend was chosen, and the memory limit of that run */
  reason: string;
  limitGiB: number;
}

const LOCAL = '__local__';
const GiB = 1024 ** 3;
/** Memory limits offered (docs/manifest.md#memory): a wasm32 heap addresses at most 4 GiB. */
const MEMORY_LIMITS = [2, 3, 4];

/** Which kept run a choice of model and backend shows (local files are never kept). */
function keptKey(choice: string, backend: WebBackendPreference): string {
  return choice === LOCAL ? '' : `${choice}|${backend}`;
}

function summaryOf(r: RunSummary): RunSummary {
  const { backend, threads, timings, model, tiles, batches, memory } = r;
  return { backend, threads, timings, model, tiles, batches, memory };
}

export function progressText(p?: InferenceProgress): string {
  if (!p) return 'Starting…';
  const pct = p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  return `${p.stage}: ${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ''} (${pct}%)`;
}

export default function ModelPanel({ viewer }: HostPanelProps) {
  const [choice, setChoice] = useState<string>(viewer.models[0]?.manifestUrl ?? LOCAL);
  const [backend, setBackend] = useState<WebBackendPreference>('wasm');
  const [memoryGiB, setMemoryGiB] = useState(2);
  const [state, setState] = useState<RunState>({ kind: 'idle' });
  const [localFiles, setLocalFiles] = useState<{ onnx?: File; manifest?: File }>({});
  const client = useRef<{ client: InferenceClient; key: string; reason: string } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const kept = useRef(new Map<string, KeptRun>());
  const [warning, setWarning] = useState<string | null>(null);

  useEffect(
    () => () => {
      abort.current?.abort();
      void client.current?.client.dispose();
    },
    [],
  );

  async function loadSource(): Promise<{ source: ModelSource; key: string }> {
    if (choice !== LOCAL) return { source: await fetchModel(choice), key: `${choice}|${backend}` };
    const { onnx, manifest } = localFiles;
    if (!onnx || !manifest) throw new Error('Choose both the .onnx file and its manifest (.json)');
    const parsed = parseManifest(await manifest.text(), manifest.name);
    return {
      source: { manifest: parsed, modelBytes: new Uint8Array(await onnx.arrayBuffer()) },
      key: `${onnx.name}:${onnx.size}:${manifest.name}:${manifest.size}|${backend}`,
    };
  }

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    try {
      setState({ kind: 'loading', what: 'model' });
      const { source, key } = await loadSource();
      if (client.current?.key !== key) {
        await client.current?.client.dispose();
        client.current = null;
        const c = createInferenceClient();
        const loaded = await c.load(source, { backend });
        client.current = { client: c, key, reason: loaded.reason };
      }
      // the worker's reply, reading the series and posting it are three short tasks, not one
      await nextTask();
      setState({ kind: 'loading', what: 'series' });
      const series = await viewer.getSeries();
      const volume = series.volume;
      // a series the model was not trained on: said, not refused (docs/manifest.md#expected-images)
      const m = series.instanceMetadata[0];
      const mismatches = expectationMismatches(source.manifest.expects, {
        Modality: series.modality ?? m?.Modality,
        BodyPartExamined: m?.BodyPartExamined,
        SeriesDescription: m?.SeriesDescription,
      });
      setWarning(
        mismatches.length
          ? `${source.manifest.name} may not suit this series: ${mismatches.join('; ')}. It runs anyway; judge the result with that in mind.`
          : null,
      );
      await nextTask();
      if (controller.signal.aborted) throw new DOMException('Inference cancelled', 'AbortError');
      setState({ kind: 'running' });
      const result = await client.current.client.run(volume, {
        probabilities: true,
        // p as floats comes converted and transferred from the worker: no per-voxel work here
        floatProbabilities: true,
        memoryLimitBytes: memoryGiB * GiB,
        signal: controller.signal,
        onProgress: (progress) => setState({ kind: 'running', progress }),
      });
      // showing the labelmap is a task of its own, not part of the one that got the result
      await nextTask();
      if (controller.signal.aborted) throw new DOMException('Inference cancelled', 'AbortError');
      const t0 = performance.now();
      const classes = source.manifest.classes.filter((c) => c.label !== 0);
      const labelmap: LabelVolume = {
        ...result.labels,
        // the engine's labels carry the classes' codes (pairing by code, SEG export)
        labels: classes.map((c) => ({
          label: c.label,
          name: c.name,
          color: c.color,
          codes: result.labels.labels?.find((l) => l.label === c.label)?.codes,
        })),
      };
      const title = `${result.model.name} ${result.model.version}`;
      const origin: OverlayOrigin = {
        kind: 'model',
        model: result.model,
        backend: `${result.backend} (${result.threads} thread${result.threads === 1 ? '' : 's'})`,
        inferenceMs: Math.round(result.timings.totalMs),
      };
      // millions of voxels into the viewer: in short tasks, not one long one
      await viewer.showLabelmapInTasks('prediction', labelmap, title, {
        ...origin,
        probabilities: result.probabilityArrays,
      });
      const keepAs = keptKey(choice, backend);
      const reason = client.current?.reason ?? '';
      if (keepAs)
        kept.current.set(keepAs, {
          labelmap,
          title,
          origin,
          result: summaryOf(result),
          reason,
          limitGiB: memoryGiB,
        });
      // span of showing the prediction (several tasks), for the e2e long-task record
      performance.measure('concord:model:show', { start: t0 });
      await nextTask();
      setState({ kind: 'done', result: summaryOf(result), reason, limitGiB: memoryGiB });
    } catch (e) {
      const cancelled = isAbortError(e);
      if (cancelled) {
        // the worker may be mid-run: start a fresh one next time
        void client.current?.client.dispose();
        client.current = null;
      }
      setState(
        cancelled
          ? { kind: 'error', message: 'Cancelled' }
          : { kind: 'error', message: userMessage(e) },
      );
    } finally {
      abort.current = null;
    }
  }

  /** Shows the model's kept run, if this session has one; true if it did. */
  async function showKept(nextChoice: string, nextBackend: WebBackendPreference) {
    const k = kept.current.get(keptKey(nextChoice, nextBackend) || '-');
    if (!k) return false;
    setState({ kind: 'loading', what: 'kept result' });
    setWarning(null);
    try {
      await viewer.showLabelmapInTasks('prediction', k.labelmap, k.title, k.origin);
      setState({
        kind: 'done',
        result: k.result,
        kept: true,
        reason: k.reason,
        limitGiB: k.limitGiB,
      });
    } catch (e) {
      if (!isAbortError(e)) setState({ kind: 'error', message: userMessage(e) });
    }
    return true;
  }

  function choose(nextChoice: string, nextBackend: WebBackendPreference) {
    setChoice(nextChoice);
    setBackend(nextBackend);
    void showKept(nextChoice, nextBackend);
  }

  const busy = state.kind === 'loading' || state.kind === 'running';
  return (
    <section className="panel model-panel" data-testid="model-panel">
      <h2>Model</h2>
      <div className="model-controls">
        <select
          aria-label="Model"
          data-testid="model-select"
          value={choice}
          disabled={busy}
          onChange={(e) => choose(e.target.value, backend)}
        >
          {viewer.models.map((m) => (
            <option key={m.manifestUrl} value={m.manifestUrl}>
              {m.name}
            </option>
          ))}
          <option value={LOCAL}>Local files…</option>
        </select>
        <select
          aria-label="Backend"
          data-testid="backend-select"
          value={backend}
          disabled={busy}
          onChange={(e) => choose(choice, e.target.value as WebBackendPreference)}
        >
          <option value="wasm">WASM</option>
          <option value="webgpu">WebGPU</option>
          <option value="auto">auto</option>
        </select>
        <select
          aria-label="Memory limit"
          title="Runs planned above this are refused before they start"
          data-testid="memory-select"
          value={memoryGiB}
          disabled={busy}
          onChange={(e) => setMemoryGiB(Number(e.target.value))}
        >
          {MEMORY_LIMITS.map((g) => (
            <option key={g} value={g}>
              {g} GiB
            </option>
          ))}
        </select>
        {busy ? (
          <button type="button" data-testid="model-cancel" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        ) : (
          <button type="button" data-testid="model-run" onClick={() => void run()}>
            {kept.current.has(keptKey(choice, backend)) ? 'Run again' : 'Run'}
          </button>
        )}
      </div>
      {choice === LOCAL && (
        <div className="model-local">
          <label>
            .onnx{' '}
            <input
              type="file"
              accept=".onnx"
              data-testid="model-local-onnx"
              onChange={(e) => setLocalFiles((f) => ({ ...f, onnx: e.target.files?.[0] }))}
            />
          </label>
          <label>
            manifest{' '}
            <input
              type="file"
              accept=".json,application/json"
              data-testid="model-local-manifest"
              onChange={(e) => setLocalFiles((f) => ({ ...f, manifest: e.target.files?.[0] }))}
            />
          </label>
        </div>
      )}
      {warning && (
        <p className="warning" role="status" data-testid="model-warning">
          ⚠ {warning}
        </p>
      )}
      {state.kind === 'loading' && <p className="muted">Loading the {state.what}…</p>}
      {state.kind === 'running' && (
        <div data-testid="model-progress">
          <progress
            max={state.progress?.total || 1}
            value={state.progress?.stage === 'inference' ? state.progress.done : 0}
          />{' '}
          <span className="muted">{progressText(state.progress)}</span>
        </div>
      )}
      {state.kind === 'error' && (
        <p className="error" role="alert" data-testid="model-error">
          {state.message}
        </p>
      )}
      {state.kind === 'done' && state.kept && (
        <p className="muted small" data-testid="model-kept">
          This model&apos;s result from earlier in this session (not run again).
        </p>
      )}
      {state.kind === 'done' && (
        <dl className="model-result" data-testid="model-result">
          <dt>Model</dt>
          <dd>
            {state.result.model.name} {state.result.model.version}
          </dd>
          <dt>Backend</dt>
          <dd data-testid="model-backend">
            {state.result.backend}, {state.result.threads} thread
            {state.result.threads === 1 ? '' : 's'}
          </dd>
          <dd className="muted" data-testid="model-backend-reason">
            {state.reason}
          </dd>
          <dt>Timings</dt>
          <dd data-testid="model-timings">
            total {Math.round(state.result.timings.totalMs)} ms (pre{' '}
            {Math.round(state.result.timings.preprocessMs)}, run{' '}
            {Math.round(state.result.timings.inferenceMs)}, post{' '}
            {Math.round(state.result.timings.postprocessMs)}); {state.result.batches} batches
          </dd>
          <dt>Memory</dt>
          <dd data-testid="model-memory">
            planned {Math.ceil(state.result.memory.estimatedBytes / 1024 ** 2)} MiB of {memoryGiB}{' '}
            GiB ({state.result.memory.precision === 'unorm16' ? '16' : '8'}-bit probabilities)
          </dd>
        </dl>
      )}
    </section>
  );
}
