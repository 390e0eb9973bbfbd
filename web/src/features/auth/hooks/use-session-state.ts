import { useSyncExternalStore } from 'react';
import { session } from '../../../lib/api/api.ts';
import type { SessionState } from '../../../lib/api/session.ts';

/** This tab's session: restoring on load, signed in, or signed out (with why, when it was not chosen). */
export function useSessionState(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState);
}
