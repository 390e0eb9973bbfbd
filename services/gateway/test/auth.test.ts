import { createPrivateKey, randomUUID } from 'node:crypto';
import { mailsTo, tokenFromMail, waitForMail } from '@relay/testing';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  call,
  PASSWORD,
  type Running,
  refreshCookie,
  startGateway,
  startWorker,
  testConfig,
  uniqueEmail,
} from './helpers.ts';

let gateway: Running;
let worker: { close: () => Promise<void> };
let db: pg.Client;

beforeAll(async () => {
  gateway = await startGateway();
  worker = startWorker();
  db = new pg.Client({ connectionString: testConfig().GATEWAY_DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await Promise.all([gateway?.close(), worker?.close(), db?.end()]);
});

const api = (method: string, path: string, options?: Parameters<typeof call>[3]) =>
  call(gateway.baseUrl, method, path, options);

describe('sign-up and activation', () => {
  it('sends an activation mail whose one-time link activates the account', async () => {
    const email = uniqueEmail();
    const signup = await api('POST', '/api/auth/signup', {
      body: { email, password: PASSWORD, name: 'Ada' },
    });
    expect(signup.status).toBe(202);

    const mail = await waitForMail(email, (candidate) => candidate.subject === 'Activate your Relay account');
    expect(mail.html).toContain('Activate my account');
    expect(mail.text).toContain('http://127.0.0.1:8080/activate?token=');
    const token = tokenFromMail(mail);

    const early = await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
    expect(early.status).toBe(403);
    expect(early.json.code).toBe('account_not_activated');

    expect((await api('POST', '/api/auth/activate', { body: { token } })).status).toBe(200);
    const again = await api('POST', '/api/auth/activate', { body: { token } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('activation_token_used');
    expect((await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } })).status).toBe(200);
  });

  it('answers a sign-up for a registered address exactly like a new one, and mails the owner instead', async () => {
    const { email } = await activeUser();
    const fresh = await api('POST', '/api/auth/signup', {
      body: { email: uniqueEmail(), password: PASSWORD, name: 'New' },
    });
    const taken = await api('POST', '/api/auth/signup', {
      body: { email: email.toUpperCase(), password: 'another password 123', name: 'Intruder' },
    });
    expect(taken.status).toBe(fresh.status);
    expect(taken.json).toEqual(fresh.json);
    await waitForMail(email, (mail) => mail.subject === 'You already have a Relay account');
    // The original password still works: the second sign-up changed nothing.
    expect((await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } })).status).toBe(200);
  });

  it('rejects unknown and expired activation tokens with distinct errors', async () => {
    const unknown = await api('POST', '/api/auth/activate', { body: { token: 'x'.repeat(43) } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.code).toBe('activation_token_unknown');

    const email = uniqueEmail();
    await api('POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'Late' } });
    const token = tokenFromMail(await waitForMail(email));
    await db.query(
      `update one_time_tokens set expires_at = now() - interval '1 minute'
       where user_id = (select id from users where email = $1)`,
      [email],
    );
    const expired = await api('POST', '/api/auth/activate', { body: { token } });
    expect(expired.status).toBe(410);
    expect(expired.json.code).toBe('activation_token_expired');
  });

  it('resends a fresh link that replaces the old one, and answers unknown addresses the same way', async () => {
    const email = uniqueEmail();
    await api('POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'Again' } });
    const first = tokenFromMail(await waitForMail(email));
    const resend = await api('POST', '/api/auth/resend-activation', { body: { email } });
    const unknown = await api('POST', '/api/auth/resend-activation', { body: { email: uniqueEmail() } });
    expect(resend.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.json).toEqual(resend.json);

    const second = await waitForMail(email, (mail) => tokenFromMail(mail) !== first);
    expect((await api('POST', '/api/auth/activate', { body: { token: first } })).json.code).toBe(
      'activation_token_unknown',
    );
    expect((await api('POST', '/api/auth/activate', { body: { token: tokenFromMail(second) } })).status).toBe(
      200,
    );
  });

  it('rejects a weak password and a malformed e-mail with the failing fields', async () => {
    const response = await api('POST', '/api/auth/signup', {
      body: { email: 'not-an-email', password: 'short', name: '' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect([...new Set(response.json.errors.map((error: { path: string }) => error.path))].sort()).toEqual([
      'body.email',
      'body.name',
      'body.password',
    ]);
  });
});

describe('login and sessions', () => {
  it('answers a wrong password and an unknown account identically', async () => {
    const { email } = await activeUser();
    const wrong = await api('POST', '/api/auth/login', { body: { email, password: 'wrong password!' } });
    const unknown = await api('POST', '/api/auth/login', {
      body: { email: uniqueEmail(), password: PASSWORD },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ ...wrong.json });
    expect(wrong.json.code).toBe('invalid_credentials');
  });

  it('returns an EdDSA access token and an httpOnly refresh cookie scoped to the auth path', async () => {
    const email = (await activeUser()).email;
    const login = await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
    expect(login.json).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const header = JSON.parse(Buffer.from(login.json.accessToken.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: testConfig().JWT_KEY_ID });
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('relay_refresh='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);

    const jwks = await api('GET', '/.well-known/jwks.json');
    expect(jwks.json.keys).toEqual([
      expect.objectContaining({ kid: testConfig().JWT_KEY_ID, kty: 'OKP', crv: 'Ed25519' }),
    ]);
    expect(JSON.stringify(jwks.json)).not.toContain('"d"');
  });

  it('lets two tabs refresh with the same cookie at once: both get a session and the user stays logged in', async () => {
    const { cookie } = await activeUser();
    const [a, b] = await Promise.all([
      api('POST', '/api/auth/refresh', { cookie }),
      api('POST', '/api/auth/refresh', { cookie }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    for (const tab of [a, b])
      expect((await api('GET', '/api/users/me', { token: tab.json.accessToken })).status).toBe(200);
    // Whichever of the two cookies the browser kept, the session goes on.
    const next = await api('POST', '/api/auth/refresh', { cookie: refreshCookie(b.headers) });
    expect(next.status).toBe(200);
    expect((await api('POST', '/api/auth/refresh', { cookie: refreshCookie(next.headers) })).status).toBe(
      200,
    );
  });

  it('grants the grace only to the latest rotated token: an older one is reuse even within the window', async () => {
    const { cookie: first } = await activeUser();
    const second = refreshCookie((await api('POST', '/api/auth/refresh', { cookie: first })).headers);
    const third = await api('POST', '/api/auth/refresh', { cookie: second });
    expect(third.status).toBe(200);
    const replay = await api('POST', '/api/auth/refresh', { cookie: first });
    expect(replay.status).toBe(401);
    expect(replay.json.code).toBe('refresh_token_reused');
    expect((await api('POST', '/api/auth/refresh', { cookie: refreshCookie(third.headers) })).status).toBe(
      401,
    );
  });

  it('revokes the whole family when a rotated token is replayed after the reuse window', async () => {
    const shortWindow = await startGateway({ REFRESH_TOKEN_REUSE_INTERVAL_MS: '200' });
    try {
      const short = (method: string, path: string, options?: Parameters<typeof call>[3]) =>
        call(shortWindow.baseUrl, method, path, options);
      const { cookie: first } = await activeUser();
      const rotated = await short('POST', '/api/auth/refresh', { cookie: first });
      expect(rotated.status).toBe(200);
      const second = refreshCookie(rotated.headers);
      expect(second).not.toBe(first);
      expect((await short('GET', '/api/users/me', { token: rotated.json.accessToken })).status).toBe(200);

      await new Promise((resolve) => setTimeout(resolve, 400));
      const replay = await short('POST', '/api/auth/refresh', { cookie: first });
      expect(replay.status).toBe(401);
      expect(replay.json.code).toBe('refresh_token_reused');
      const afterReplay = await short('POST', '/api/auth/refresh', { cookie: second });
      expect(afterReplay.status).toBe(401);
      expect(afterReplay.json.code).toBe('refresh_token_invalid');
    } finally {
      await shortWindow.close();
    }
  });

  it('ends the session on logout', async () => {
    const { cookie } = await activeUser();
    expect((await api('POST', '/api/auth/logout', { cookie })).status).toBe(204);
    expect((await api('POST', '/api/auth/refresh', { cookie })).json.code).toBe('refresh_token_invalid');
    expect((await api('POST', '/api/auth/refresh')).json.code).toBe('refresh_token_missing');
  });
});

describe('access tokens at the API', () => {
  const privateKey = () =>
    createPrivateKey({
      key: Buffer.from(testConfig().JWT_PRIVATE_KEY, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
  const claims = (sub: string) => ({ email: 'x@example.com', name: 'X', sub });

  it('rejects a missing, expired, tampered, alg-none and HS256-confused token', async () => {
    const { accessToken } = await activeUser();
    const [header, payload, signature] = accessToken.split('.');
    const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());

    const expired = await new SignJWT(claims(decoded.sub))
      .setProtectedHeader({ alg: 'EdDSA', kid: testConfig().JWT_KEY_ID })
      .setIssuer('relay-gateway')
      .setAudience('relay')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(privateKey());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...decoded, sub: randomUUID() })).toString('base64url')}.${signature}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    const jwks = (await api('GET', '/.well-known/jwks.json')).json;
    const hs256 = await new SignJWT(claims(decoded.sub))
      .setProtectedHeader({ alg: 'HS256', kid: testConfig().JWT_KEY_ID })
      .setIssuer('relay-gateway')
      .setAudience('relay')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));

    const missing = await api('GET', '/api/users/me');
    expect(missing.json.code).toBe('unauthorized');
    // RFC 6750 §3.1: no error code when the request carried no token at all.
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const results = await Promise.all(
      [expired, tampered, none, hs256].map((token) => api('GET', '/api/users/me', { token })),
    );
    expect(results.map((result) => result.status)).toEqual([401, 401, 401, 401]);
    expect(results.map((result) => result.json.code)).toEqual([
      'token_expired',
      'token_invalid',
      'token_invalid',
      'token_invalid',
    ]);
    expect(results.map((result) => result.headers.get('www-authenticate'))).toEqual([
      'Bearer error="invalid_token", error_description="The access token has expired."',
      'Bearer error="invalid_token", error_description="The access token is not valid."',
      'Bearer error="invalid_token", error_description="The access token is not valid."',
      'Bearer error="invalid_token", error_description="The access token is not valid."',
    ]);
    expect((await api('GET', '/api/users/me', { token: accessToken })).status).toBe(200);
  });
});

describe('password reset', () => {
  it('resets through a one-time mailed link and ends every session', async () => {
    const { email, cookie } = await activeUser();
    const request = await api('POST', '/api/auth/forgot-password', { body: { email } });
    const unknown = await api('POST', '/api/auth/forgot-password', { body: { email: uniqueEmail() } });
    expect(request.status).toBe(202);
    expect(unknown.json).toEqual(request.json);

    const token = tokenFromMail(
      await waitForMail(email, (mail) => mail.subject === 'Reset your Relay password'),
    );
    const newPassword = 'a brand new passphrase';
    expect(
      (await api('POST', '/api/auth/reset-password', { body: { token, password: newPassword } })).status,
    ).toBe(200);
    const reused = await api('POST', '/api/auth/reset-password', { body: { token, password: newPassword } });
    expect(reused.status).toBe(409);
    expect(reused.json.code).toBe('reset_token_used');

    expect((await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await api('POST', '/api/auth/login', { body: { email, password: newPassword } })).status).toBe(
      200,
    );
    expect((await api('POST', '/api/auth/refresh', { cookie })).status).toBe(401);
    // One mail for one request (the fixture user got no activation mail).
    expect((await mailsTo(email)).map((mail) => mail.subject)).toEqual(['Reset your Relay password']);
  });
});
