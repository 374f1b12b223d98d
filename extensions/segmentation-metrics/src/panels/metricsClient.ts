/** Runs metric computations in a dedicated worker, one at a time; a new request cancels the old. */
import type { MetricsRequest, MetricsResponse } from './protocol.ts';

export type MetricsJob = Omit<MetricsRequest, 'id'>;

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
      this.ensure().postMessage({ ...job, id } satisfies MetricsRequest);
    });
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
