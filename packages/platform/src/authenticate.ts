import type { FastifyRequest } from 'fastify';
import { AppError, CommonErrorCode } from './errors.ts';
import { type AccessTokenClaims, bearerToken, type JwtVerifier } from './jwt.ts';

export type Authenticate = (request: FastifyRequest) => Promise<AccessTokenClaims>;

/** Every service's way to resolve the caller from `Authorization: Bearer <access token>`, or rejects with 401. */
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
