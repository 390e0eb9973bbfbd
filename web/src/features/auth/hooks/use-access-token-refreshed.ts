import { useEffect, useRef } from 'react';
import { session } from '../../../lib/api/api.ts';

/**
 * Calls `listener` with each new access token, e.g. `(token) => chatClient.refreshToken(token)` so the
 * WebSocket re-authenticates (`auth.refresh`) after every refresh.
 * @public
 */
export function useAccessTokenRefreshed(listener: (accessToken: string) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => session.onAccessToken((token) => latest.current(token)), []);
}
