/** Runs metric computations in a dedicated worker, one at a time; a new request cancels the old. */
import type {
  MetricsInput,
  MetricsPartData,
  MetricsPartName,
  MetricsRequest,
  MetricsResponse,
} from './protocol.ts';

export type MetricsJob = Omit<MetricsRequest, 'id'>;

/**
 * Resolves in a new task (scheduler.yield where the browser has it, else a MessageChannel
 * message): the posts below are separate main-thread tasks, each one array's clone.
 */
function nextTask(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => {
      c.port1.close();
      resolve();
    };
    c.port2.postMessage(null);
  });
}

export class MetricsClient {
  private worker: Worker | null = null;
  private seq = 0;
  private pending: { id: number; resolve: (r: MetricsResponse) => void } | null = null;

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./metrics.worker.ts', import.meta.url), {
        type: 'module',
        name: 'concord-metrics',
      });
      this.worker.onmessage = (e: MessageEvent<MetricsResponse>) => {
        if (this.pending?.id === e.data.id) {
          this.pending.resolve(e.data);
          this.pending = null;
        }
      };
      this.worker.onerror = (e) => {
        const p = this.pending;
        this.pending = null;
        this.terminate();
        p?.resolve({ id: p.id, ok: false, error: `Metrics worker failed: ${e.message}` });
      };
    }
    return this.worker;
  }

  run(job: MetricsJob): Promise<MetricsResponse> {
    if (this.pending) this.cancel();
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending = { id, resolve };
      void this.send(id, job);
    });
  }

  /**
   * Posts the labelmaps and each class's probabilities one per task (the viewer keeps them, so
   * they are cloned, not transferred), then the request with empty placeholders. The first
   * post waits for a task of its own too: `run` is called from the render that showed the
   * prediction.
   */
  private async send(id: number, job: MetricsJob) {
    const parts: Array<[MetricsPartName, MetricsPartData]> = [
      ['reference', job.reference.data],
      ['prediction', job.prediction.data],
      ...Object.entries(job.probabilities ?? {}).map(
        ([label, p]) => [`p${Number(label)}`, p] as [MetricsPartName, Float32Array],
      ),
    ];
    for (const [name, data] of parts) {
      await nextTask();
      if (this.pending?.id !== id) return; // cancelled or superseded meanwhile
      const t0 = performance.now();
      this.ensure().postMessage({ id, kind: 'part', name, data } satisfies MetricsInput);
      performance.measure('concord:metrics:post', { start: t0 });
    }
    await nextTask();
    if (this.pending?.id !== id) return;
    const empty = new Uint8Array(0);
    const request: MetricsRequest = {
      ...job,
      id,
      reference: { ...job.reference, data: empty },
      prediction: { ...job.prediction, data: empty },
      probabilities: job.probabilities
        ? Object.fromEntries(Object.keys(job.probabilities).map((l) => [l, new Float32Array(0)]))
        : undefined,
    };
    this.ensure().postMessage({ id, kind: 'run', request } satisfies MetricsInput);
  }

  /** Stops a running computation (the worker is restarted on the next run). */
  cancel() {
    const p = this.pending;
    this.pending = null;
    this.terminate();
    p?.resolve({ id: p.id, ok: false, error: 'Cancelled' });
  }

  terminate() {
    this.worker?.terminate();
    this.worker = null;
  }
}
