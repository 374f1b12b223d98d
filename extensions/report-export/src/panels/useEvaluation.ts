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
  // a new report renders as a transition, in slices that yield to the page (docs/performance.md)
  useEffect(
    () =>
      session.subscribe((s, { newReport }) =>
        newReport ? startTransition(() => setState(s)) : setState(s),
      ),
    [session],
  );
  return { session, state };
}
