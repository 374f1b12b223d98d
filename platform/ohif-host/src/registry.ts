/**
 * The Concord session of each OHIF viewer, by its services manager, without loading the
 * session's code: the light plugin entries (panel and command modules) look sessions up here,
 * session.ts creates them (docs/ohif.md).
 */
import type { ViewerHost } from '@concord/core';

/** What the light entries need of a session. */
export interface SessionHandle {
  current(): ViewerHost | null;
}

const sessions = new WeakMap<object, SessionHandle>();

export function registeredSession(servicesManager: object): SessionHandle | undefined {
  return sessions.get(servicesManager);
}

export function registerSession(servicesManager: object, session: SessionHandle | undefined) {
  if (session) sessions.set(servicesManager, session);
  else sessions.delete(servicesManager);
}
