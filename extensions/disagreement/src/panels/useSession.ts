import { useEffect, useState } from 'react';
import type { ViewerHost } from '@concord/core';
import {
  acquireSession,
  releaseSession,
  type DisagreementSession,
  type SessionState,
} from './session.ts';

/** The viewer's disagreement session and its state, for a panel component. */
export function useSession(viewer: ViewerHost): {
  session: DisagreementSession | null;
  state: SessionState;
} {
  const [session, setSession] = useState<DisagreementSession | null>(null);
  const [state, setState] = useState<SessionState>({
    status: { kind: 'waiting' },
    current: null,
    models: [],
  });
  useEffect(() => {
    const s = acquireSession(viewer);
    setSession(s);
    const off = s.subscribe(setState);
    return () => {
      off();
      releaseSession(viewer);
    };
  }, [viewer]);
  return { session, state };
}
