import { WsCloseCode } from '@relay/contracts';
import { tokenFromMail, waitForMail } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  call,
  PASSWORD,
  type Running,
  refreshCookie,
  startGateway,
  startWorker,
} from './helpers.ts';
import { TestSocket, wsUrl } from './ws-helpers.ts';

let gateway: Running;
let worker: { close: () => Promise<void> };

beforeAll(async () => {
  gateway = await startGateway();
  worker = startWorker();
});
afterAll(async () => {
  await Promise.all([gateway?.close(), worker?.close()]);
});

const api = (method: string, path: string, options?: Parameters<typeof call>[3]) =>
  call(gateway.baseUrl, method, path, options);

/** A second, independent session of the same user (another device). */
async function login(email: string, password = PASSWORD) {
  const response = await api('POST', '/api/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return { accessToken: response.json.accessToken as string, cookie: refreshCookie(response.headers) };
}

async function expectRevoked(accessToken: string) {
  const me = await api('GET', '/api/users/me', { token: accessToken });
  expect(me.status).toBe(401);
  expect(me.json.code).toBe('token_revoked');
  expect(me.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="/);
  const socket = new TestSocket(wsUrl(gateway.baseUrl), accessToken);
  await expect(socket.opened()).rejects.toThrow('upgrade answered 401');
}

async function expectWorking(accessToken: string) {
  expect((await api('GET', '/api/users/me', { token: accessToken })).status).toBe(200);
  const socket = new TestSocket(wsUrl(gateway.baseUrl), accessToken);
  await socket.opened();
  socket.close();
}

describe('access tokens after logout', () => {
  it('refuses the logged-out session’s access tokens at HTTP and at the WebSocket, and only those', async () => {
    const laptop = await activeUser();
    const phone = await login(laptop.email);
    await expectWorking(laptop.accessToken);
    // A token the same session got by refreshing is in the same session.
    const refreshed = await api('POST', '/api/auth/refresh', { cookie: laptop.cookie });
    expect(refreshed.status).toBe(200);

    expect((await api('POST', '/api/auth/logout', { cookie: refreshCookie(refreshed.headers) })).status).toBe(
      204,
    );
    await expectRevoked(laptop.accessToken);
    await expectRevoked(refreshed.json.accessToken);
    await expectWorking(phone.accessToken);
  });

  it('closes a WebSocket already open on the session within a heartbeat of its logout', async () => {
    const beating = await startGateway({ WS_HEARTBEAT_MS: '200' });
    try {
      const laptop = await activeUser();
      const phone = await login(laptop.email);
      const onLaptop = new TestSocket(wsUrl(beating.baseUrl), laptop.accessToken);
      const onPhone = new TestSocket(wsUrl(beating.baseUrl), phone.accessToken);
      await Promise.all([onLaptop.opened(), onPhone.opened()]);
      expect((await api('POST', '/api/auth/logout', { cookie: laptop.cookie })).status).toBe(204);
      expect(await onLaptop.closed()).toBe(WsCloseCode.tokenExpired);
      expect(onLaptop.of('error').map((frame) => frame.code)).toEqual(['unauthorized']);
      // The other session's socket lives on.
      await new Promise((resolve) => setTimeout(resolve, 600));
      onPhone.send({ type: 'ping' });
      await onPhone.next('pong');
      expect(onPhone.closeCode).toBeUndefined();
      onPhone.close();
    } finally {
      await beating.close();
    }
  });

  it('answers an auth.refresh frame carrying a logged-out token with an error and keeps the old token', async () => {
    const laptop = await activeUser();
    const phone = await login(laptop.email);
    const socket = new TestSocket(wsUrl(gateway.baseUrl), phone.accessToken);
    await socket.opened();
    expect((await api('POST', '/api/auth/logout', { cookie: laptop.cookie })).status).toBe(204);
    socket.send({ type: 'auth.refresh', accessToken: laptop.accessToken });
    const error = await socket.next('error');
    expect(error.code).toBe('unauthorized');
    expect(socket.of('auth.refreshed')).toEqual([]);
    socket.send({ type: 'auth.refresh', accessToken: phone.accessToken });
    await socket.next('auth.refreshed');
    socket.close();
  });
});

describe('access tokens after a refresh token was reused', () => {
  it('refuses the access tokens of the session whose refresh token leaked', async () => {
    const { cookie: first } = await activeUser();
    const second = await api('POST', '/api/auth/refresh', { cookie: first });
    const third = await api('POST', '/api/auth/refresh', { cookie: refreshCookie(second.headers) });
    await expectWorking(third.json.accessToken);
    // Not the latest rotation, so no grace: this is reuse, and the whole session ends.
    expect((await api('POST', '/api/auth/refresh', { cookie: first })).json.code).toBe(
      'refresh_token_reused',
    );
    await expectRevoked(third.json.accessToken);
  });
});

describe('access tokens after a password reset', () => {
  it('refuses every access token the user held before the reset; a new login works at once', async () => {
    const laptop = await activeUser();
    const phone = await login(laptop.email);
    const other = await activeUser();

    expect((await api('POST', '/api/auth/forgot-password', { body: { email: laptop.email } })).status).toBe(
      202,
    );
    const token = tokenFromMail(
      await waitForMail(laptop.email, (mail) => mail.subject === 'Reset your Relay password'),
    );
    const password = 'a brand new passphrase';
    expect((await api('POST', '/api/auth/reset-password', { body: { token, password } })).status).toBe(200);

    await expectRevoked(laptop.accessToken);
    await expectRevoked(phone.accessToken);
    await expectWorking((await login(laptop.email, password)).accessToken);
    await expectWorking(other.accessToken);
  });
});
