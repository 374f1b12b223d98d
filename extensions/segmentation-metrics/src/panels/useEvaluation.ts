import { startTransition, useEffect, useState } from 'react';
import type { ViewerHost } from '@concord/core';
import {
  getEvaluationSession,
  type EvaluationSession,
  type EvaluationState,
} from '@concord/metrics/session';

/** The evaluation session of the panel's viewer and its state (the panels share one per viewer). */
export function useEvaluation(viewer: ViewerHost): {
  session: EvaluationSession;
  state: EvaluationState;
} {
  const session = getEvaluationSession(viewer);
  const [state, setState] = useState<EvaluationState>(session.state);
  // a transition: React renders a new result (116 structures: thousands of cells) in slices
  // that yield to the page, not in one long main-thread task (docs/performance.md)
  useEffect(() => session.subscribe((s) => startTransition(() => setState(s))), [session]);
  return { session, state };
}
