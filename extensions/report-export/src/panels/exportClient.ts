/** Runs export builds in a dedicated worker, one at a time; a new request cancels the old. */
import type {
  ExportInput,
  ExportMessage,
  ExportRequest,
  ExportStage,
  PartData,
  PartName,
} from './protocol.ts';

export type ExportJob = Omit<ExportRequest, 'id'>;
export type ExportResult = Exclude<ExportMessage, { kind: 'progress' }>;

export class ExportClient {
  private worker: Worker | null = null;
  private seq = 0;
  private pending: {
    id: number;
    resolve: (r: ExportResult) => void;
    onStage?: (s: ExportStage) => void;
  } | null = null;

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./export.worker.ts', import.meta.url), {
        type: 'module',
        name: 'concord-export',
      });
      this.worker.onmessage = (e: MessageEvent<ExportMessage>) => {
        const p = this.pending;
        if (!p || p.id !== e.data.id) return;
        if (e.data.kind === 'progress') {
          p.onStage?.(e.data.stage);
          return;
        }
        this.pending = null;
        p.resolve(e.data);
      };
      this.worker.onerror = (e) => {
        const p = this.pending;
        this.pending = null;
        this.terminate();
        p?.resolve({ id: p.id, kind: 'error', error: `Export worker failed: ${e.message}` });
      };
    }
    return this.worker;
  }

  run(job: ExportJob, onStage?: (s: ExportStage) => void): Promise<ExportResult> {
    if (this.pending) this.cancel();
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending = { id, resolve, onStage };
      void this.send(id, job);
    });
  }

  /**
   * Posts the big arrays one per task (a structured clone of all of them at once blocked the
   * main thread for ~300 ms on the sample), then the job itself with empty placeholders.
   */
  private async send(id: number, job: ExportJob) {
    const empty = new Uint8Array(0);
    const parts: Array<[PartName, PartData]> = [
      ['image', job.series.volume.data],
      ['reference', job.reference.data],
      ['prediction', job.prediction.data],
      ...Object.entries(job.probabilities ?? {}).map(
        ([label, p]) => [`p${Number(label)}`, p] as [PartName, Float32Array],
      ),
    ];
    for (const [name, data] of parts) {
      if (this.pending?.id !== id) return; // cancelled meanwhile
      this.ensure().postMessage({ id, kind: 'part', name, data } satisfies ExportInput);
      await new Promise((r) => setTimeout(r, 0));
    }
    if (this.pending?.id !== id) return;
    const request: ExportRequest = {
      ...job,
      id,
      series: { ...job.series, volume: { ...job.series.volume, data: empty } },
      reference: { ...job.reference, data: empty },
      prediction: { ...job.prediction, data: empty },
      probabilities: job.probabilities
        ? Object.fromEntries(Object.keys(job.probabilities).map((l) => [l, new Float32Array(0)]))
        : undefined,
    };
    this.ensure().postMessage({ id, kind: 'run', job: request } satisfies ExportInput);
  }

  /** Stops a running build (the worker is restarted on the next run). */
  cancel() {
    const p = this.pending;
    this.pending = null;
    this.terminate();
    p?.resolve({ id: p.id, kind: 'error', error: 'Cancelled' });
  }

  terminate() {
    this.worker?.terminate();
    this.worker = null;
  }
}
