import type { FastifyRequest } from 'fastify';
import { AppError, CommonErrorCode, commonError } from './errors.ts';
import { type AccessTokenClaims, bearerToken, invalidTokenError, type JwtVerifier } from './jwt.ts';

export type Authenticate = (request: FastifyRequest) => Promise<AccessTokenClaims>;

/** The answer to a request that needs a token and brought none: a bare `Bearer` challenge. */
export const missingToken = () =>
  commonError(CommonErrorCode.Unauthorized, { headers: { 'www-authenticate': 'Bearer' } });

/**
 * Every service's way to resolve the caller from `Authorization: Bearer <access token>`, or rejects
 * with 401 and an RFC 6750 challenge: a bare `Bearer` when no token came, `error="invalid_token"`
 * when the token was refused.
 */
export function createAuthenticate(verify: JwtVerifier): Authenticate {
  // One answer per request: the HTTP base resolves the caller before the body, the route again.
  const resolved = new WeakMap<FastifyRequest, Promise<AccessTokenClaims>>();
  const authenticate: Authenticate = async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw missingToken();
    }
    try {
      return await verify(token);
    } catch (error) {
      // A verifier of another making (a wrapper, a stub) may refuse without the challenge.
      if (
        error instanceof AppError &&
        error.status === 401 &&
        error.headers['www-authenticate'] === undefined
      )
        throw invalidTokenError(error);
      throw error;
    }
  };
  return (request) => {
    const known = resolved.get(request);
    if (known !== undefined) return known;
    const answer = authenticate(request);
    resolved.set(request, answer);
    return answer;
  };
}
