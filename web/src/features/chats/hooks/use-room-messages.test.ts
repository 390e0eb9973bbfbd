import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../../lib/api/api.ts';
import { chatSocket, retrySending } from '../api/chat-socket.ts';
import { chatsApi } from '../api/chats-api.ts';
import { messageDrafts } from './message-drafts.ts';
import { SEND_DEADLINE_MS, useRoomMessages } from './use-room-messages.ts';

const CHAT = '00000000-0000-4000-8000-000000000001';
const ME = '00000000-0000-4000-8000-00000000000a';

let refuse: (error: Error) => void = () => {};

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.spyOn(chatsApi, 'history').mockResolvedValue({ messages: [], nextCursor: null });
  vi.spyOn(chatsApi, 'reads').mockResolvedValue([]);
  vi.spyOn(chatSocket, 'send').mockImplementation(() => new Promise((_resolve, reject) => (refuse = reject)));
  session.signIn({ accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  session.end();
  localStorage.clear();
});

async function room() {
  const hook = renderHook(() => useRoomMessages(CHAT, ME));
  await waitFor(() => expect(hook.result.current.load).toBe('ready'));
  return hook;
}

const deliveries = (hook: Awaited<ReturnType<typeof room>>) =>
  hook.result.current.state.messages.map((message) => message.delivery);

describe('useRoomMessages sends', () => {
  it('says a message with no ack by its deadline is not sent (never "Sending" for ever), and sending again on Retry', async () => {
    const hook = await room();
    act(() => hook.result.current.send('hello'));
    expect(deliveries(hook)).toEqual(['sending']);

    act(() => vi.advanceTimersByTime(SEND_DEADLINE_MS - 1));
    expect(deliveries(hook)).toEqual(['sending']);
    act(() => vi.advanceTimersByTime(1));
    expect(deliveries(hook)).toEqual(['overdue']);

    act(retrySending);
    expect(deliveries(hook)).toEqual(['sending']);
    act(() => vi.advanceTimersByTime(SEND_DEADLINE_MS));
    expect(deliveries(hook)).toEqual(['overdue']);
  });

  it('keeps a message the server refused for good as the chat’s draft', async () => {
    const hook = await room();
    act(() => hook.result.current.send('refused one'));
    await act(async () => refuse(new Error('forbidden: not a member')));

    expect(deliveries(hook)).toEqual(['failed']);
    expect(messageDrafts.read(ME, CHAT)).toEqual({ text: 'refused one', notSent: true });
  });

  it('leaves the drafts of an ended session to the socket, which keeps them once', async () => {
    const hook = await room();
    act(() => hook.result.current.send('on its way'));
    session.end('Your session has ended.');
    await act(async () => refuse(new Error('abandoned: the session ended')));

    expect(deliveries(hook)).toEqual(['failed']);
    expect(messageDrafts.read(ME, CHAT)).toBeUndefined();
  });
});
