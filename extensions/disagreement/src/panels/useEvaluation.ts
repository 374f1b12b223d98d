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
  useEffect(() => {
    let last = session.state;
    return session.subscribe((s) => {
      // a new report is rendered as a transition: React builds its rows (116 structures:
      // thousands of cells) in slices that yield to the page, not in one long task
      // (docs/performance.md). Other changes answer a click, so they stay urgent: a checkbox
      // the user ticked must show ticked at once.
      const heavy = s.report !== null && s.report !== last.report;
      last = s;
      if (heavy) startTransition(() => setState(s));
      else setState(s);
    });
  }, [session]);
  return { session, state };
}
