import { AccessTokenResponse } from '@relay/contracts';
import { ApiClient } from './api-client.ts';
import { Session } from './session.ts';
import { browserTransport } from './transport.ts';

/** The gateway's origin: REST under /api, the WebSocket at /ws. */
export const baseUrl = (import.meta.env.VITE_API_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');

/** The app's one API client and one session, wired to the browser. */
export const api = new ApiClient({ baseUrl, transport: browserTransport, session: () => session });

export const session = new Session({
  refresh: () =>
    api.request('/api/auth/refresh', { method: 'POST', authenticated: false, schema: AccessTokenResponse }),
  channel: typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('relay-session'),
  locks: typeof navigator === 'undefined' ? undefined : navigator.locks,
  hint: typeof localStorage === 'undefined' ? undefined : localStorage,
  network:
    typeof window === 'undefined'
      ? undefined
      : {
          online: () => navigator.onLine,
          onOnline: (listener) => window.addEventListener('online', listener),
        },
});
