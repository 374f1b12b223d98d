/**
 * Runs export builds in a dedicated worker through the core RPC, one at a time: a new build or
 * `cancel` stops the old one (its worker is terminated; the next build starts a fresh one).
 */
import { connect, type Endpoint, type Remote } from '@concord/core';
import { EMPTY, stageParts } from '@concord/metrics/session';
import type { ExportApi, ExportJob, ExportResult } from './exportApi.ts';

export class ExportClient {
  private remote: Remote<ExportApi> | null = null;
  private running: AbortController | null = null;
  private token = 0;

  private worker(): Remote<ExportApi> {
    this.remote ??= connect<ExportApi>(
      new Worker(new URL('./export.worker.ts', import.meta.url), {
        type: 'module',
        name: 'concord-export',
      }) as unknown as Endpoint,
    );
    return this.remote;
  }

  /**
   * Stages the image, reference and prediction arrays one per task (a structured clone of all
   * of them at once blocked the main thread for ~300 ms on the sample), then builds.
   */
  async run(
    job: Omit<ExportJob, 'token'>,
    onStage?: (s: 'exports') => void,
  ): Promise<ExportResult> {
    this.cancel();
    const abort = new AbortController();
    this.running = abort;
    const token = ++this.token;
    try {
      const remote = this.worker();
      await stageParts(
        remote,
        token,
        [
          ['image', job.series.volume.data],
          ['reference', job.reference.data],
          ['prediction', job.prediction.data],
        ],
        { signal: abort.signal },
      );
      return await remote.call(
        'build',
        {
          ...job,
          token,
          series: { ...job.series, volume: { ...job.series.volume, data: EMPTY } },
          reference: { ...job.reference, data: EMPTY },
          prediction: { ...job.prediction, data: EMPTY },
        },
        { signal: abort.signal, onProgress: onStage },
      );
    } finally {
      if (this.running === abort) this.running = null;
    }
  }

  /** Stops a running build (the call rejects with an AbortError). */
  cancel() {
    if (!this.running) return;
    this.running.abort();
    this.running = null;
    this.terminate();
  }

  terminate() {
    this.remote?.close();
    this.remote = null;
  }
}
