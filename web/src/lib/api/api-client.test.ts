import type { AccessTokenResponse } from '@relay/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api-client.ts';
import { ApiError } from './api-error.ts';
import { refreshDelayMs, Session } from './session.ts';
import type { Transport } from './transport.ts';

const tokens = (accessToken: string, expiresIn = 900): AccessTokenResponse => ({
  accessToken,
  tokenType: 'Bearer',
  expiresIn,
});
const problem = (status: number, code: string) => new ApiError(status, code, `${code} detail`);
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A gateway that accepts exactly one token; `refresh` decides what a refresh answers. */
function setup(refresh: () => Promise<AccessTokenResponse>, validToken = 'fresh') {
  const seen: (string | undefined)[] = [];
  const transport = vi.fn<Transport>(async ({ headers }) => {
    seen.push(headers.authorization);
    return headers.authorization === `Bearer ${validToken}`
      ? json(200, { ok: true })
      : json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'invalid_token' });
  });
  const refreshSpy = vi.fn(refresh);
  const session = new Session({ refresh: refreshSpy });
  const client = new ApiClient({ baseUrl: 'http://gateway', transport, session: () => session });
  const get = () => client.request('/api/users/me', { schema: { parse: (data) => data } });
  return { session, client, transport, refreshSpy, seen, get };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ApiClient with Session', () => {
  it('answers concurrent 401s with exactly one refresh and retries each request with the new token', async () => {
    let finishRefresh: (value: AccessTokenResponse) => void = () => {};
    const { session, refreshSpy, get, seen } = setup(
      () => new Promise((resolve) => (finishRefresh = resolve)),
    );
    session.signIn(tokens('stale'));

    const requests = Promise.all([get(), get(), get()]);
    await vi.waitFor(() => expect(refreshSpy).toHaveBeenCalledTimes(1));
    finishRefresh(tokens('fresh'));

    await expect(requests).resolves.toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(refreshSpy).toHaveBeenCalledTimes(1);
    expect(seen.filter((header) => header === 'Bearer fresh')).toHaveLength(3);
  });

  it('does not refresh again for a 401 that a refresh already answered', async () => {
    const { session, refreshSpy, get } = setup(async () => tokens('fresh'));
    session.signIn(tokens('stale'));
    await get();
    await get();
    expect(refreshSpy).toHaveBeenCalledTimes(1);
  });

  it('retries a request once only: a second 401 is the caller’s error', async () => {
    const { session, transport, refreshSpy, get } = setup(async () => tokens('also-refused'), 'never');
    session.signIn(tokens('stale'));

    await expect(get()).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    expect(transport).toHaveBeenCalledTimes(2);
    expect(refreshSpy).toHaveBeenCalledTimes(1);
  });

  it('signs out with a clear message when the refresh is refused, and fails the waiting requests', async () => {
    const { session, get } = setup(async () => {
      throw problem(401, 'refresh_token_reused');
    });
    session.signIn(tokens('stale'));

    const results = await Promise.allSettled([get(), get()]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    const state = session.getState();
    expect(state.status).toBe('signed-out');
    expect(state.status === 'signed-out' && state.message).toMatch(/signed out everywhere/);
  });

  it('keeps the session when the refresh fails for want of a network', async () => {
    const { session, get } = setup(async () => {
      throw ApiError.network();
    });
    session.signIn(tokens('stale'));
    await expect(get()).rejects.toMatchObject({ code: 'network' });
    expect(session.getState().status).toBe('signed-in');
  });

  it('retries an upload (FormData, with progress) after a 401 with the same body and the new token', async () => {
    const { client, transport, session } = setup(async () => tokens('fresh'));
    session.signIn(tokens('stale'));
    const form = new FormData();
    form.append('file', new Blob(['photo']), 'photo.png');
    const onUploadProgress = vi.fn();

    await client.request('/api/users/me/photo', { method: 'PUT', body: form, onUploadProgress });

    const calls = transport.mock.calls.map(([request]) => request);
    expect(calls.map((request) => request.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(
      calls.every((request) => request.body === form && request.onUploadProgress === onUploadProgress),
    ).toBe(true);
  });

  it('ends the session when the refresh after a 401 is refused, and asks for no second refresh after', async () => {
    const { session, get, refreshSpy, transport } = setup(async () => {
      throw problem(401, 'refresh_token_invalid');
    });
    session.signIn(tokens('revoked'));

    await expect(get()).rejects.toMatchObject({ status: 401 });
    expect(session.getState()).toEqual({
      status: 'signed-out',
      message: expect.stringMatching(/password was changed/),
    });
    await expect(get()).rejects.toMatchObject({ code: 'signed_out' });
    expect(refreshSpy).toHaveBeenCalledTimes(1);
    expect(transport).toHaveBeenCalledTimes(1);
    await expect(session.tokenAfterUnauthorized('revoked')).rejects.toMatchObject({ code: 'signed_out' });
    expect(refreshSpy).toHaveBeenCalledTimes(1);
  });

  it('sends no token on auth endpoints, and their 401 is an answer, not a reason to refresh', async () => {
    const { client, transport, refreshSpy } = setup(async () => tokens('fresh'));
    const login = client.request('/api/auth/login', { method: 'POST', authenticated: false, body: {} });
    await expect(login).rejects.toMatchObject({ status: 401 });
    expect(transport).toHaveBeenCalledTimes(1);
    expect(transport.mock.calls[0]?.[0].headers.authorization).toBeUndefined();
    expect(refreshSpy).not.toHaveBeenCalled();
  });
});

describe('Session', () => {
  it('refreshes on its own shortly before the token expires and tells listeners the new token', async () => {
    vi.useFakeTimers();
    const refresh = vi.fn(async () => tokens('next', 5));
    const session = new Session({ refresh });
    const listener = vi.fn();
    session.onAccessToken(listener);
    session.signIn(tokens('first', 5));

    await vi.advanceTimersByTimeAsync(refreshDelayMs(5_000) - 1);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenLastCalledWith('next');
    expect(await session.accessToken()).toBe('next');
  });

  it('refreshes at 80 % of a token’s life, but never more than a minute early', () => {
    expect(refreshDelayMs(5_000)).toBe(4_000);
    expect(refreshDelayMs(15 * 60_000)).toBe(14 * 60_000);
  });

  it('restores a returning user from the refresh cookie, and is signed out without one', async () => {
    const returning = new Session({ refresh: async () => tokens('from-cookie') });
    await returning.restore();
    expect(returning.getState()).toEqual({ status: 'signed-in' });

    const newcomer = new Session({
      refresh: async () => {
        throw problem(401, 'refresh_token_missing');
      },
    });
    await newcomer.restore();
    expect(newcomer.getState()).toEqual({ status: 'signed-out' });
  });

  it('sends no refresh on load from a browser that never signed in, and one from a browser that did', async () => {
    const storage = new Map<string, string>();
    const hint = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    };
    const refresh = vi.fn(async () => tokens('from-cookie'));

    await new Session({ refresh, hint }).restore();
    expect(refresh).not.toHaveBeenCalled();

    new Session({ refresh, hint }).signIn(tokens('signed-in-earlier'));
    const returning = new Session({ refresh, hint });
    await returning.restore();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(returning.getState()).toEqual({ status: 'signed-in' });
  });

  it('ends the session in every tab when one tab’s refresh is refused', async () => {
    const name = `relay-test-${crypto.randomUUID()}`;
    const refused = async (): Promise<AccessTokenResponse> => {
      throw problem(401, 'refresh_token_invalid');
    };
    const thisTab = new Session({ refresh: refused, channel: new BroadcastChannel(name) });
    const otherTab = new Session({ refresh: refused, channel: new BroadcastChannel(name) });
    thisTab.signIn(tokens('a'));
    otherTab.signIn(tokens('b'));

    await thisTab.refresh().catch(() => {});

    await vi.waitFor(() => expect(otherTab.getState().status).toBe('signed-out'));
    expect(otherTab.getState()).toEqual({
      status: 'signed-out',
      message: expect.stringMatching(/session has ended/),
    });
  });

  it('ends the session with why when the refresh on load is refused, in every tab, and forgets the hint', async () => {
    const name = `relay-test-${crypto.randomUUID()}`;
    const storage = new Map<string, string>([['relay.signed-in', '1']]);
    const hint = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    };
    const refused = async (): Promise<AccessTokenResponse> => {
      throw problem(401, 'refresh_token_invalid');
    };
    const otherTab = new Session({ refresh: refused, channel: new BroadcastChannel(name) });
    otherTab.signIn(tokens('other'));
    const loading = new Session({ refresh: refused, channel: new BroadcastChannel(name), hint });

    await loading.restore();

    expect(loading.getState()).toEqual({ status: 'signed-out', message: expect.stringMatching(/password/) });
    expect(storage.has('relay.signed-in')).toBe(false);
    await vi.waitFor(() =>
      expect(otherTab.getState()).toEqual({
        status: 'signed-out',
        message: expect.stringMatching(/password/),
      }),
    );
  });

  it('ends a tab that is still restoring when another tab’s session ends', async () => {
    const name = `relay-test-${crypto.randomUUID()}`;
    let finishRefresh: (value: AccessTokenResponse) => void = () => {};
    const restoring = new Session({
      refresh: () => new Promise((resolve) => (finishRefresh = resolve)),
      channel: new BroadcastChannel(name),
    });
    const otherTab = new Session({ refresh: async () => tokens('x'), channel: new BroadcastChannel(name) });
    otherTab.signIn(tokens('other'));
    const restored = restoring.restore();

    otherTab.end('Your session has ended. Sign in again to continue.');
    await vi.waitFor(() => expect(restoring.getState().status).toBe('signed-out'));
    // The refresh that was in flight answers late: it must not sign this tab back in.
    finishRefresh(tokens('late'));
    await restored;

    expect(restoring.getState()).toEqual({ status: 'signed-out', message: expect.stringMatching(/ended/) });
    expect(await restoring.accessToken()).toBeNull();
  });

  it('stays signed out after a sign-out during a refresh in flight', async () => {
    let finishRefresh: (value: AccessTokenResponse) => void = () => {};
    const session = new Session({ refresh: () => new Promise((resolve) => (finishRefresh = resolve)) });
    session.signIn(tokens('first'));
    const refreshed = session.refresh();
    session.end();
    finishRefresh(tokens('late'));

    await expect(refreshed).rejects.toMatchObject({ code: 'signed_out' });
    expect(session.getState()).toEqual({ status: 'signed-out' });
    await expect(session.freshAccessToken()).rejects.toMatchObject({ code: 'signed_out' });
  });

  it('sends no refresh while the browser is offline, and refreshes as soon as the network is back', async () => {
    vi.useFakeTimers();
    let online = false;
    let backOnline: () => void = () => {};
    const refresh = vi.fn(async () => tokens('next', 5));
    const session = new Session({
      refresh,
      network: { online: () => online, onOnline: (listener) => (backOnline = listener) },
    });
    session.signIn(tokens('first', 5));

    await vi.advanceTimersByTimeAsync(30_000);
    expect(refresh).not.toHaveBeenCalled();
    expect(session.getState().status).toBe('signed-in');

    online = true;
    backOnline();
    await vi.waitFor(() => expect(refresh).toHaveBeenCalledTimes(1));
    expect(await session.accessToken()).toBe('next');
  });
});
