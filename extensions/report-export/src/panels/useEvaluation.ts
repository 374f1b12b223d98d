import { useEffect, useState } from 'react';
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
  useEffect(() => session.subscribe(setState), [session]);
  return { session, state };
}
