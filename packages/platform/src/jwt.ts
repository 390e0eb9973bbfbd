import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError, CommonErrorCode, commonError } from './errors.ts';

export const AccessTokenClaims = z.object({
  sub: z.uuid(),
  email: z.email(),
  name: z.string(),
  /** The session (refresh-token family) the token was issued for; absent in tokens of older gateways. */
  sid: z.uuid().optional(),
  /** Issued at, in seconds since the epoch. */
  iat: z.number().optional(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** Who issues access tokens and for whom: the gateway signs with these, every service checks them. */
export const jwtEnv = {
  JWT_ISSUER: z.string().default('relay-gateway'),
  JWT_AUDIENCE: z.string().default('relay'),
};

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  /** The gateway's `/.well-known/jwks.json`; keys are cached and refetched on an unknown `kid`. */
  jwksUrl?: string;
  /** A key set already at hand (the gateway verifies its own tokens without a round trip). */
  keySet?: JWTVerifyGetKey;
}

export type JwtVerifier = (token: string) => Promise<AccessTokenClaims>;

/** Verified tokens remembered, so a client's every request does not pay a signature check. */
const CACHE_LIMIT = 10_000;

/** A 401 for a token that was sent but is not acceptable, with the RFC 6750 §3.1 challenge. */
export function invalidTokenError(refusal: AppError): AppError {
  // error_description is a quoted-string of printable ASCII: no quote, backslash or control character.
  const description = (refusal.detail ?? refusal.title).replace(/[^\x20-\x7e]|["\\]/g, "'");
  return refusal.withHeaders({
    'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

/** Only EdDSA is accepted, which closes `alg: none` and HS256-with-the-public-key confusion. */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const keySet =
    options.keySet ??
    (options.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 }));
  if (keySet === undefined) throw new Error('createJwtVerifier needs jwksUrl or keySet');

  // Keyed by the whole token, signature included: only a byte-identical token hits.
  const verified = new Map<string, { claims: AccessTokenClaims; expiresAtMs: number }>();
  return async (token) => {
    const cached = verified.get(token);
    if (cached !== undefined && cached.expiresAtMs > Date.now()) return cached.claims;
    if (cached !== undefined) verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['EdDSA'],
      });
      const claims = AccessTokenClaims.safeParse(payload);
      if (!claims.success)
        throw invalidTokenError(
          commonError(CommonErrorCode.TokenInvalid, { detail: 'The token lacks required claims.' }),
        );
      if (payload.exp !== undefined) {
        // Oldest first out: Map keeps insertion order.
        if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value as string);
        verified.set(token, { claims: claims.data, expiresAtMs: payload.exp * 1000 });
      }
      return claims.data;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw invalidTokenError(commonError(CommonErrorCode.TokenExpired, { cause: error }));
      }
      throw invalidTokenError(commonError(CommonErrorCode.TokenInvalid, { cause: error }));
    }
  };
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer ([A-Za-z0-9._~+/-]+=*)$/);
  return match?.[1];
}
