/**
 * One evaluation session per viewer host: the panels of a host find theirs here. A WeakMap
 * keyed by the host object, so that each viewer has its own session and a host that goes away
 * takes its session with it.
 */
import type { ViewerHost } from '@concord/core';
import { createAnalysisWorker } from './browserWorker.ts';
import { EvaluationSession, type EvaluationSessionOptions } from './evaluationSession.ts';

const sessions = new WeakMap<ViewerHost, EvaluationSession>();

/**
 * The evaluation session of `host`, created on first use. `options` apply only then (default:
 * the browser analysis worker).
 */
export function getEvaluationSession(
  host: ViewerHost,
  options: Partial<EvaluationSessionOptions> = {},
): EvaluationSession {
  let session = sessions.get(host);
  if (!session) {
    session = new EvaluationSession(host, { createWorker: createAnalysisWorker, ...options });
    sessions.set(host, session);
  }
  return session;
}
