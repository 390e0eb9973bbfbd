import { describe, expect, it, vi } from 'vitest';
import type { SessionState } from '../../../lib/api/session.ts';
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
