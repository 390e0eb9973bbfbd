import { WsCloseCode } from '@relay/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatClient } from './chat-client.ts';

/** A stand-in for the browser WebSocket that closes with the code a test gives. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  readonly OPEN = 1;
  readyState = 0;
  readonly sent: { type: string; clientMsgId?: string }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  readonly token: string;

  constructor(_url: string, protocols: string[]) {
    this.token = (protocols[1] ?? '').replace('relay.token.', '');
    FakeSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as { type: string });
  }

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

const CHAT = '0b9e3f4e-2f43-4c61-9a53-2a1d2e3f4a5b';
const clients: ChatClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
  FakeSocket.instances = [];
});

/** A client whose tokens are token-1, token-2, …; `getToken` records what it was told was refused. */
function started() {
  let issued = 0;
  const getToken = vi.fn((_refused?: string) => `token-${++issued}`);
  const client = new ChatClient({
    urls: ['ws://gateway/ws'],
    getToken,
    minReconnectMs: 1,
    maxReconnectMs: 1,
    ackTimeoutMs: 60_000,
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
  });
  clients.push(client);
  client.start();
  return { client, getToken };
}

async function socketAt(index: number): Promise<FakeSocket> {
  await vi.waitFor(() => expect(FakeSocket.instances[index]).toBeDefined());
  return FakeSocket.instances[index] as FakeSocket;
}

describe('ChatClient and a refused token', () => {
  it('asks for a newer token after the server closes for an expired or revoked token (4401, 4403)', async () => {
    const { getToken } = started();
    const first = await socketAt(0);
    first.open();
    first.closeWith(WsCloseCode.tokenExpired);
    const second = await socketAt(1);
    expect(getToken).toHaveBeenLastCalledWith('token-1');
    second.open();
    second.closeWith(WsCloseCode.forbidden);
    await socketAt(2);
    expect(getToken).toHaveBeenLastCalledWith('token-2');
  });

  it('reuses its token after a close that says nothing about it (try again later)', async () => {
    const { getToken } = started();
    const first = await socketAt(0);
    first.open();
    first.closeWith(WsCloseCode.tryAgainLater);
    await socketAt(1);
    expect(getToken.mock.calls).toEqual([[undefined], [undefined]]);
  });

  it('takes a failed upgrade as a possible 401, but not twice in a row for a token fresh from a refresh', async () => {
    const { getToken } = started();
    (await socketAt(0)).closeWith(1006);
    (await socketAt(1)).closeWith(1006);
    (await socketAt(2)).closeWith(1006);
    await socketAt(3);
    expect(getToken.mock.calls).toEqual([[undefined], ['token-1'], [undefined], ['token-3']]);
  });

  it('stays down while no token can be had, and connects once one can', async () => {
    let revoked = true;
    const getToken = vi.fn(async (refused?: string) => {
      if (refused !== undefined && revoked) throw new Error('refresh refused');
      return 'token-ok';
    });
    const client = new ChatClient({
      urls: ['ws://gateway/ws'],
      getToken,
      minReconnectMs: 1,
      maxReconnectMs: 1,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    });
    clients.push(client);
    client.start();
    const first = await socketAt(0);
    first.open();
    first.closeWith(WsCloseCode.tokenExpired);
    await vi.waitFor(() => expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(getToken.mock.calls.slice(1).every(([refused]) => refused === 'token-ok')).toBe(true);
    expect(FakeSocket.instances).toHaveLength(1);

    revoked = false;
    const next = await socketAt(1);
    expect(next.token).toBe('token-ok');
  });
});

describe('ChatClient outbox when the session ends', () => {
  it('gives back every un-acked send, oldest first, rejects their promises, and resends none of them', async () => {
    const { client } = started();
    const socket = await socketAt(0);
    socket.open();
    const first = client.send(CHAT, 'first', 'c-1');
    const second = client.send(CHAT, 'second', 'c-2');

    expect(client.abandonOutbox()).toEqual([
      { chatId: CHAT, clientMsgId: 'c-1', body: 'first' },
      { chatId: CHAT, clientMsgId: 'c-2', body: 'second' },
    ]);
    await expect(first).rejects.toThrow(/abandoned/);
    await expect(second).rejects.toThrow(/abandoned/);
    expect(client.pending).toBe(0);
    socket.closeWith(WsCloseCode.tryAgainLater);
    const next = await socketAt(1);
    next.open();
    expect(next.sent.filter((frame) => frame.type === 'message.send')).toEqual([]);
  });

  it('names the user of the last token it connected with', async () => {
    const payload = btoa(JSON.stringify({ sub: 'user-1' }));
    const client = new ChatClient({
      urls: ['ws://gateway/ws'],
      getToken: () => `header.${payload}.signature`,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    });
    clients.push(client);
    expect(client.userId).toBeUndefined();
    client.start();
    await socketAt(0);
    expect(client.userId).toBe('user-1');
  });
});

describe('ChatClient retryNow', () => {
  it('reconnects at once instead of waiting out the back-off, and resends what is un-acked', async () => {
    const client = new ChatClient({
      urls: ['ws://gateway/ws'],
      getToken: () => 'token',
      minReconnectMs: 60_000,
      maxReconnectMs: 60_000,
      ackTimeoutMs: 60_000,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    });
    clients.push(client);
    client.start();
    const first = await socketAt(0);
    first.open();
    void client.send(CHAT, 'hello', 'c-1').catch(() => {});
    first.closeWith(WsCloseCode.tryAgainLater);

    client.retryNow();
    const second = await socketAt(1);
    second.open();
    client.retryNow();

    expect(second.sent.filter((frame) => frame.type === 'message.send')).toHaveLength(2);
  });
});
