import { ChatClient } from '@relay/chat-client';
import { type AccessTokenResponse, WsCloseCode } from '@relay/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api/api-error.ts';
import { Session, type SessionState } from '../../../lib/api/session.ts';
import { endWithSession, socketToken } from './chat-socket.ts';

const CHAT = 'chat-1';
const OTHER_CHAT = 'chat-2';

function fakeSession(initial: SessionState) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: SessionState) {
      state = next;
      for (const listener of listeners) listener();
    },
  };
}

describe('socketToken', () => {
  it('asks the session for a fresh token to connect, and for the one refresh after the server refused one', async () => {
    const source = {
      freshAccessToken: vi.fn(async () => 'fresh'),
      tokenAfterUnauthorized: vi.fn(async () => 'refreshed'),
    };
    const getToken = socketToken(source);
    expect(await getToken()).toBe('fresh');
    expect(await getToken('revoked')).toBe('refreshed');
    expect(source.tokenAfterUnauthorized).toHaveBeenCalledWith('revoked');
  });
});

describe('endWithSession', () => {
  it('stops the socket when the session ends and keeps each chat’s un-acked messages as its draft', () => {
    const session = fakeSession({ status: 'signed-in' });
    const client = {
      userId: 'user-1' as string | undefined,
      stop: vi.fn(),
      abandonOutbox: vi.fn(() => [
        { chatId: CHAT, clientMsgId: 'c-1', body: 'one' },
        { chatId: OTHER_CHAT, clientMsgId: 'c-2', body: 'elsewhere' },
        { chatId: CHAT, clientMsgId: 'c-3', body: 'two' },
      ]),
    };
    const drafts = { keepUnsent: vi.fn() };
    endWithSession(client, session, drafts);

    session.set({ status: 'signed-in' });
    expect(client.stop).not.toHaveBeenCalled();
    session.set({ status: 'signed-out', message: 'Your session has ended.' });

    expect(client.stop).toHaveBeenCalledTimes(1);
    expect(drafts.keepUnsent.mock.calls).toEqual([
      ['user-1', CHAT, ['one', 'two']],
      ['user-1', OTHER_CHAT, ['elsewhere']],
    ]);
  });
});

/** A browser WebSocket stand-in the test opens and closes with a code. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  readonly OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    FakeSocket.instances.push(this);
  }
  send(): void {}
  close(code = 1000): void {
    this.closeWith(code);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  closeWith(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

describe('a socket closed for revocation', () => {
  it('tries the one refresh; refused, the session ends with why and the socket stays down, its sends kept as drafts', async () => {
    const refresh = vi.fn(async (): Promise<AccessTokenResponse> => {
      throw new ApiError(401, 'refresh_token_invalid', 'Refresh token invalid');
    });
    const session = new Session({ refresh });
    const payload = btoa(JSON.stringify({ sub: 'user-1' }));
    session.signIn({ accessToken: `h.${payload}.s`, tokenType: 'Bearer', expiresIn: 900 });
    const client = new ChatClient({
      urls: ['ws://gateway/ws'],
      getToken: socketToken(session),
      minReconnectMs: 1,
      maxReconnectMs: 1,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    });
    const drafts = { keepUnsent: vi.fn() };
    endWithSession(client, session, drafts);
    client.start();
    await vi.waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    FakeSocket.instances[0]?.open();
    void client.send(CHAT, 'on its way', 'c-1').catch(() => {});

    // What the gateway does when a heartbeat finds the session revoked (a password reset elsewhere).
    FakeSocket.instances[0]?.closeWith(WsCloseCode.tokenExpired);

    await vi.waitFor(() => expect(session.getState().status).toBe('signed-out'));
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(session.getState()).toEqual({
      status: 'signed-out',
      message: expect.stringMatching(/password was changed/),
    });
    expect(drafts.keepUnsent).toHaveBeenCalledWith('user-1', CHAT, ['on its way']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(FakeSocket.instances).toHaveLength(1);
    expect(client.status).toBe('closed');
  });
});
