import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from './errors.ts';
import { bearerToken, createJwtVerifier, type JwtVerifier } from './jwt.ts';

const claims = { sub: '0b8f6f7e-8c1f-4f7e-9a56-5d2f3b7a9c10', email: 'ada@example.com', name: 'Ada' };
let privateKey: CryptoKey;
let publicJwk: JWK;
let verify: JwtVerifier;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' };
  verify = createJwtVerifier({
    issuer: 'relay-gateway',
    audience: 'relay',
    keySet: createLocalJWKSet({ keys: [publicJwk] }),
  });
});

const sign = (overrides: { exp?: string | number; iss?: string } = {}) =>
  new SignJWT({ email: claims.email, name: claims.name })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject(claims.sub)
    .setIssuer(overrides.iss ?? 'relay-gateway')
    .setAudience('relay')
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? '15m')
    .sign(privateKey);

const rejection = async (token: string) => {
  try {
    await verify(token);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('token was accepted');
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createJwtVerifier', () => {
  it('accepts a valid EdDSA token and returns its claims', async () => {
    expect(await verify(await sign())).toEqual({ ...claims, iat: expect.any(Number) });
  });

  it('rejects an expired token as token_expired', async () => {
    const error = await rejection(await sign({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('answers every refusal with an RFC 6750 invalid_token challenge', async () => {
    const expired = await rejection(await sign({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(expired.headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token", error_description="The access token has expired."',
    });
    const invalid = await rejection(await sign({ iss: 'someone-else' }));
    expect(invalid.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is not valid."',
    );
  });

  it('returns the session id and the issue time when the token has them', async () => {
    const sid = crypto.randomUUID();
    const token = await new SignJWT({ email: claims.email, name: claims.name, sid })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject(claims.sub)
      .setIssuer('relay-gateway')
      .setAudience('relay')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey);
    expect(await verify(token)).toEqual({ ...claims, sid, iat: expect.any(Number) });
  });

  it('does not serve a remembered token past its expiry', async () => {
    const token = await sign({ exp: '1m' });
    expect(await verify(token)).toMatchObject(claims);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(await rejection(token)).toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('rejects a token from another issuer', async () => {
    expect(await rejection(await sign({ iss: 'someone-else' }))).toMatchObject({ code: 'token_invalid' });
  });

  it('rejects a tampered payload', async () => {
    const [header, , signature] = (await sign()).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: crypto.randomUUID() })).toString('base64url');
    expect(await rejection(`${header}.${forged}.${signature}`)).toMatchObject({ code: 'token_invalid' });
  });

  it('rejects alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        ...claims,
        iss: 'relay-gateway',
        aud: 'relay',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    ).toString('base64url');
    expect(await rejection(`${header}.${payload}.`)).toMatchObject({ code: 'token_invalid' });
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT({ email: claims.email, name: claims.name })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(claims.sub)
      .setIssuer('relay-gateway')
      .setAudience('relay')
      .setExpirationTime('15m')
      .sign(secret);
    expect(await rejection(token)).toMatchObject({ code: 'token_invalid' });
  });
});

describe('bearerToken', () => {
  it('extracts only a well-formed bearer token', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
