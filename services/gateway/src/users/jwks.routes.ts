import type { HttpApp } from '@relay/platform';
import { z } from 'zod';
import type { AccessTokens } from './access-tokens.service.ts';

/** RFC 7517 key set; members beyond these (other key types) pass through. */
const JwkSet = z.object({
  keys: z.array(
    z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() }).partial(),
  ),
});

/** Public keys of the access tokens, so convert and chat verify them without a shared secret. */
export function registerJwksRoute(app: HttpApp, tokens: AccessTokens): void {
  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['auth'], response: { 200: JwkSet } } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(tokens.jwks()),
  );
}
