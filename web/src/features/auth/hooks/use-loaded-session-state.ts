import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Session, SessionState } from '../../../lib/api/session.ts';
import { loadSession } from '../api/load-session.ts';

const RESTORING: SessionState = { status: 'restoring' };
const restoring = () => RESTORING;
const noUpdates = () => () => {};

/**
 * `useSessionState` for the public pages: the session loads after the page has shown (it brings the
 * API client and zod), and reads as restoring until then (and when prerendered at build time).
 */
export function useLoadedSessionState(): SessionState {
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    let mounted = true;
    void loadSession().then((loaded) => {
      if (mounted) setSession(loaded);
    });
    return () => {
      mounted = false;
    };
  }, []);
  return useSyncExternalStore(session?.subscribe ?? noUpdates, session?.getState ?? restoring, restoring);
}
