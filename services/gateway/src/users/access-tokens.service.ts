import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { type AccessTokenClaims, createJwtVerifier, type JwtVerifier } from '@relay/platform';
import { createLocalJWKSet, exportJWK, type JWK, SignJWT } from 'jose';
import type { GatewayConfig } from '../config.ts';

export interface AccessTokenOptions {
  privateKeyBase64: string;
  keyId: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** The options as the gateway's config names them (one mapping for the gateway and its test fixture). */
export function accessTokenOptions(
  config: Pick<
    GatewayConfig,
    'JWT_PRIVATE_KEY' | 'JWT_KEY_ID' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'ACCESS_TOKEN_TTL_SECONDS'
  >,
): AccessTokenOptions {
  return {
    privateKeyBase64: config.JWT_PRIVATE_KEY,
    keyId: config.JWT_KEY_ID,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** Signs EdDSA access tokens and publishes the public half as a JWKS. */
export class AccessTokens {
  readonly ttlSeconds: number;
  readonly verify: JwtVerifier;
  readonly #privateKey: KeyObject;
  readonly #publicJwk: JWK;
  readonly #options: AccessTokenOptions;

  private constructor(options: AccessTokenOptions, privateKey: KeyObject, publicJwk: JWK) {
    this.#options = options;
    this.ttlSeconds = options.ttlSeconds;
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
    this.verify = createJwtVerifier({
      issuer: options.issuer,
      audience: options.audience,
      keySet: createLocalJWKSet({ keys: [publicJwk] }),
    });
  }

  static async create(options: AccessTokenOptions): Promise<AccessTokens> {
    const privateKey = createPrivateKey({
      key: Buffer.from(options.privateKeyBase64, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('JWT_PRIVATE_KEY must be an Ed25519 key');
    const publicJwk = {
      ...(await exportJWK(createPublicKey(privateKey))),
      kid: options.keyId,
      alg: 'EdDSA',
      use: 'sig',
    };
    return new AccessTokens(options, privateKey, publicJwk);
  }

  /** `iat` and `exp` are set here; `sid` names the session (refresh-token family) the token belongs to. */
  async sign(claims: Omit<AccessTokenClaims, 'iat'>): Promise<string> {
    return new SignJWT({ email: claims.email, name: claims.name, sid: claims.sid })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.#options.keyId, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.#options.issuer)
      .setAudience(this.#options.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.#options.ttlSeconds}s`)
      .sign(this.#privateKey);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.#publicJwk] };
  }
}
