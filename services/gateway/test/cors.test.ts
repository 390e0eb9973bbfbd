import { freePort } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, call, type Running, startGateway } from './helpers.ts';

/**
 * The SPA's origin must be told every answer, refusals included: a 401 without CORS headers reaches
 * the page as a network error, and its refresh-and-retry never runs (the tab then never recovers).
 */
const ORIGIN = 'http://127.0.0.1:8080';

let gateway: Running;
beforeAll(async () => {
  gateway = await startGateway({
    PUBLIC_WEB_URL: ORIGIN,
    CONVERT_MAX_UPLOAD_BYTES: '1024',
    // Nothing listens there: the upload proxy answers that the service is unavailable.
    CONVERT_URL: `http://127.0.0.1:${await freePort()}`,
    CONVERT_API_TIMEOUT_MS: '1000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '2',
  });
});
afterAll(() => gateway?.close());

const fromSpa = { origin: ORIGIN };

function expectCors(headers: Headers): void {
  expect(headers.get('access-control-allow-origin')).toBe(ORIGIN);
  expect(headers.get('access-control-allow-credentials')).toBe('true');
}

function upload(token: string, bytes: number): Promise<Response> {
  const form = new FormData();
  form.append('target', 'pdf');
  form.append('file', new Blob(['x'.repeat(bytes)], { type: 'text/plain' }), 'notes.txt');
  return fetch(`${gateway.baseUrl}/api/conversions`, {
    method: 'POST',
    headers: { ...fromSpa, authorization: `Bearer ${token}` },
    body: form,
  });
}

describe('CORS headers on every gateway answer to the SPA', () => {
  it('on 200 and on 401 for a bad token, a missing token and a refused refresh', async () => {
    const user = await activeUser('Cors Ok');
    const ok = await call(gateway.baseUrl, 'GET', '/api/users/me', {
      token: user.accessToken,
      headers: fromSpa,
    });
    expect(ok.status).toBe(200);
    expectCors(ok.headers);
    for (const answer of [
      await call(gateway.baseUrl, 'GET', '/api/users/me', { token: 'not-a-jwt', headers: fromSpa }),
      await call(gateway.baseUrl, 'GET', '/api/chats', { headers: fromSpa }),
      await call(gateway.baseUrl, 'POST', '/api/auth/refresh', { headers: fromSpa }),
    ]) {
      expect(answer.status).toBe(401);
      expectCors(answer.headers);
    }
  });

  it('on 403 for a chat the caller is not in, and on 404', async () => {
    const [owner, stranger] = await Promise.all([activeUser('Cors Owner'), activeUser('Cors Stranger')]);
    const chat = await call(gateway.baseUrl, 'POST', '/api/chats', {
      token: owner.accessToken,
      body: { title: 'private' },
    });
    expect(chat.status).toBe(201);
    const forbidden = await call(gateway.baseUrl, 'POST', `/api/chats/${chat.json.id}/members`, {
      token: stranger.accessToken,
      body: { emails: [stranger.email] },
      headers: fromSpa,
    });
    expect(forbidden.status).toBe(403);
    expectCors(forbidden.headers);
    const missing = await call(gateway.baseUrl, 'GET', '/api/nowhere', { headers: fromSpa });
    expect(missing.status).toBe(404);
    expectCors(missing.headers);
  });

  it('on 413 for an upload over the limit and on 503 when the convert service is away', async () => {
    const user = await activeUser('Cors Upload');
    const tooLarge = await upload(user.accessToken, 128 * 1024);
    expect(tooLarge.status).toBe(413);
    expectCors(tooLarge.headers);
    const unavailable = await upload(user.accessToken, 10);
    expect(unavailable.status).toBe(503);
    expectCors(unavailable.headers);
  });

  it('on 429, with Retry-After readable by the page', async () => {
    const user = await activeUser('Cors Limited');
    const attempts = [];
    for (let i = 0; i < 4; i += 1)
      attempts.push(
        await call(gateway.baseUrl, 'POST', '/api/auth/login', {
          body: { email: user.email, password: 'wrong password, again' },
          headers: fromSpa,
        }),
      );
    const limited = attempts.at(-1);
    expect(limited?.status).toBe(429);
    expectCors(limited?.headers as Headers);
    expect(limited?.headers.get('access-control-expose-headers')).toContain('retry-after');
  });
});
