import type { Session } from '../../../lib/api/session.ts';

let loading: Promise<Session> | undefined;

/**
 * The API session, loaded (and restored) once, when first needed: with it come the API client and the
 * contracts' schemas (zod), which a public page does not need to show itself.
 */
export function loadSession(): Promise<Session> {
  loading ??= import('../../../lib/api/api.ts').then(({ session }) => {
    void session.restore();
    return session;
  });
  return loading;
}
