import type { HttpApp } from '@relay/platform';
import type { AccessTokens } from './access-tokens.ts';

/** Public keys of the access tokens, so convert and chat verify them without a shared secret. */
export function registerJwksRoute(app: HttpApp, tokens: AccessTokens): void {
  app.get('/.well-known/jwks.json', { schema: { tags: ['auth'] } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(tokens.jwks()),
  );
}
