/**
 * While the evaluation session computes (labelmaps staged to the analysis worker, the metric
 * engine), the series' voxel stream waits: on two cores the stream's main-thread work took a
 * second or more from a 116-structure evaluation (docs/performance.md). A model run or the MPR
 * asks for the voxels (`loadedVolume`) and ends every hold.
 */
import { useEffect } from 'react';
import type { ViewerHost } from '@concord/core';
import type { ViewportController } from '../viewportController.ts';

export function useVoxelsAfterEvaluation(
  viewer: ViewerHost | null,
  controller: ViewportController | null,
): void {
  useEffect(() => {
    if (!viewer || !controller) return;
    let release: (() => void) | null = null;
    let unsubscribe: (() => void) | null = null;
    let left = false;
    // loaded with the panels' chunk, not before the first image
    void import('@concord/metrics/session').then(({ getEvaluationSession }) => {
      if (left) return;
      unsubscribe = getEvaluationSession(viewer).subscribe((s) => {
        if (s.status === 'computing') release ??= controller.holdVoxelStream();
        else {
          release?.();
          release = null;
        }
      });
    });
    return () => {
      left = true;
      unsubscribe?.();
      release?.();
    };
  }, [viewer, controller]);
}
