import {
  type AccessTokenClaims,
  AppError,
  bearerToken,
  CommonErrorCode,
  type JwtVerifier,
} from '@relay/platform';
import type { FastifyRequest } from 'fastify';

export type Authenticate = (request: FastifyRequest) => Promise<AccessTokenClaims>;

/** Resolves the caller from `Authorization: Bearer <access token>`, or rejects with 401. */
export function createAuthenticate(verify: JwtVerifier): Authenticate {
  return async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new AppError({
        code: CommonErrorCode.Unauthorized,
        status: 401,
        title: 'Unauthorized',
        detail: 'Send an access token as "Authorization: Bearer <token>".',
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    return verify(token);
  };
}
