import type { ClientFrame, ServerFrame } from '@relay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, type ChatClientEvent } from './chat-client.ts';

/** A scripted stand-in for the browser WebSocket: records what the client sends, plays server frames. */
class ScriptedSocket {
  static instances: ScriptedSocket[] = [];
  readonly OPEN = 1;
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;

  readonly url: string;
  readonly protocols: string[];

  constructor(url: string, protocols: string[]) {
    this.url = url;
    this.protocols = protocols;
    ScriptedSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(): void {
    this.drop();
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  receive(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }

  framesOf<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type);
  }
}

const CHAT = '0b9e3f4e-2f43-4c61-9a53-2a1d2e3f4a5b';
const OTHER_CHAT = '1c8f4a5f-3a54-4d72-8b64-3b2e3f4a5b6c';
const SENDER = '1c8f4a5f-3a54-4d72-8b64-3b2e3f4a5b6c';
const message = (messageId: string) => ({
  messageId,
  chatId: CHAT,
  senderId: SENDER,
  clientMsgId: `c-${messageId}`,
  body: `body ${messageId}`,
  sentAt: new Date(0).toISOString(),
});

const clients: ChatClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
  ScriptedSocket.instances = [];
});

async function connected(urls = ['ws://gateway-a/ws', 'ws://gateway-b/ws'], token = 'token-1') {
  const client = new ChatClient({
    urls,
    getToken: () => token,
    minReconnectMs: 1,
    maxReconnectMs: 1,
    ackTimeoutMs: 60_000,
    WebSocketImpl: ScriptedSocket as unknown as typeof WebSocket,
  });
  clients.push(client);
  const events: ChatClientEvent[] = [];
  client.on((event) => events.push(event));
  client.start();
  const socket = await nextSocket(0);
  socket.open();
  return { client, events, socket };
}

async function nextSocket(index: number): Promise<ScriptedSocket> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const socket = ScriptedSocket.instances[index];
    if (socket !== undefined) return socket;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`no socket ${index}`);
}

describe('ChatClient', () => {
  it('offers the protocol and the token as subprotocols', async () => {
    const { socket } = await connected();
    expect(socket.url).toBe('ws://gateway-a/ws');
    expect(socket.protocols).toEqual(['relay.v1', 'relay.token.token-1']);
  });

  it('resends un-acked messages with the same clientMsgId on the next gateway after a drop', async () => {
    const { client, socket } = await connected();
    const acked = client.send(CHAT, 'hello', 'client-msg-1');
    expect(socket.framesOf('message.send')).toEqual([
      { type: 'message.send', chatId: CHAT, clientMsgId: 'client-msg-1', body: 'hello' },
    ]);
    socket.drop();
    const second = await nextSocket(1);
    expect(second.url).toBe('ws://gateway-b/ws');
    second.open();
    expect(second.framesOf('message.send')).toEqual([
      { type: 'message.send', chatId: CHAT, clientMsgId: 'client-msg-1', body: 'hello' },
    ]);
    second.receive({
      type: 'message.ack',
      chatId: CHAT,
      clientMsgId: 'client-msg-1',
      messageId: 'm-1',
      sentAt: new Date(0).toISOString(),
    });
    expect(await acked).toEqual({ messageId: 'm-1', sentAt: new Date(0).toISOString() });
    expect(client.pending).toBe(0);
  });

  it('resubscribes after a reconnect from the last message it received', async () => {
    const { client, socket } = await connected();
    client.subscribe(CHAT);
    expect(socket.framesOf('subscribe')).toEqual([{ type: 'subscribe', chatId: CHAT }]);
    socket.receive({ type: 'subscribed', chatId: CHAT, replayed: 0 });
    socket.receive({ type: 'message.new', message: message('m-1') });
    socket.receive({ type: 'message.new', message: message('m-2') });
    socket.drop();
    const second = await nextSocket(1);
    second.open();
    expect(second.framesOf('subscribe')).toEqual([
      { type: 'subscribe', chatId: CHAT, afterMessageId: 'm-2' },
    ]);
  });

  it('hands each message on once and reports replays and duplicates', async () => {
    const { client, events, socket } = await connected();
    client.subscribe(CHAT, 'm-0');
    socket.receive({ type: 'message.new', message: message('m-1') });
    socket.receive({ type: 'subscribed', chatId: CHAT, replayed: 1 });
    socket.receive({ type: 'message.new', message: message('m-2') });
    socket.receive({ type: 'message.new', message: message('m-1') });
    const summary = events
      .filter((event) => event.type === 'message' || event.type === 'duplicate')
      .map((event) =>
        event.type === 'message'
          ? `${event.message.messageId}${event.replayed ? ' (replayed)' : ''}`
          : `dup ${event.message.messageId}`,
      );
    expect(summary).toEqual(['m-1 (replayed)', 'm-2', 'dup m-1']);
  });

  it('treats its own acked message coming back in a replay as known', async () => {
    const { client, events, socket } = await connected();
    const sent = client.send(CHAT, 'mine', 'c-own');
    socket.receive({
      type: 'message.ack',
      chatId: CHAT,
      clientMsgId: 'c-own',
      messageId: 'm-own',
      sentAt: new Date(0).toISOString(),
    });
    await sent;
    socket.receive({ type: 'message.new', message: message('m-own') });
    expect(events.filter((event) => event.type === 'message')).toEqual([]);
  });

  it('rejects a send the server refuses for good, and keeps retrying transient failures', async () => {
    const { client, socket } = await connected();
    const refused = client.send(CHAT, 'no', 'c-refused');
    const retried = client.send(CHAT, 'later', 'c-retried');
    socket.receive({ type: 'error', code: 'forbidden', message: 'not a member', clientMsgId: 'c-refused' });
    socket.receive({ type: 'error', code: 'unavailable', message: 'try again', clientMsgId: 'c-retried' });
    await expect(refused).rejects.toThrow('forbidden: not a member');
    expect(client.pending).toBe(1);
    socket.receive({
      type: 'message.ack',
      chatId: CHAT,
      clientMsgId: 'c-retried',
      messageId: 'm-9',
      sentAt: new Date(0).toISOString(),
    });
    expect((await retried).messageId).toBe('m-9');
  });

  it('resubscribes from now when the server does not know the last message, and reports it', async () => {
    const { client, events, socket } = await connected();
    client.subscribe(CHAT, 'm-gone');
    socket.receive({ type: 'error', code: 'unknown_message', message: 'no such message', chatId: CHAT });
    expect(socket.framesOf('subscribe')).toEqual([
      { type: 'subscribe', chatId: CHAT, afterMessageId: 'm-gone' },
      { type: 'subscribe', chatId: CHAT },
    ]);
    expect(events.filter((event) => event.type === 'error').map((event) => event.code)).toEqual([
      'unknown_message',
    ]);
  });

  it('reports a chat this user was put in', async () => {
    const { events, socket } = await connected();
    socket.receive({ type: 'chat.joined', chatId: OTHER_CHAT });
    expect(events.filter((event) => event.type === 'joined')).toEqual([
      { type: 'joined', chatId: OTHER_CHAT },
    ]);
  });

  it('reports a conversion job changing status', async () => {
    const { events, socket } = await connected();
    const status = {
      conversionId: '3e2d1c0b-5a69-4f87-8d96-5d4e3f2a1b0c',
      ownerId: SENDER,
      status: 'done' as const,
      downloadPath: '/api/conversions/3e2d1c0b-5a69-4f87-8d96-5d4e3f2a1b0c/download',
      at: new Date(0).toISOString(),
    };
    socket.receive({ type: 'conversion.status', status });
    expect(events.filter((event) => event.type === 'conversion')).toEqual([{ type: 'conversion', status }]);
  });

  it('takes its own un-acked message heard back in a replay as the ack, not as a new message', async () => {
    const me = '2d9a5b6c-4b65-4e83-9c75-4c3f4a5b6c7d';
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'EdDSA' })}.${part({ sub: me })}.signature`;
    const { client, events, socket } = await connected(undefined, token);
    const sent = client.send(CHAT, 'mine', 'c-mine');
    // The gateway died before acking; the next one replays the message to us first.
    const replayed = { ...message('m-mine'), senderId: me, clientMsgId: 'c-mine', body: 'mine' };
    socket.receive({ type: 'message.new', message: replayed });
    expect(await sent).toEqual({ messageId: 'm-mine', sentAt: replayed.sentAt });
    expect(client.pending).toBe(0);
    expect(events.filter((event) => event.type === 'message')).toEqual([]);
    // The resend's ack that follows changes nothing, and the same message again is a duplicate.
    socket.receive({
      type: 'message.ack',
      chatId: CHAT,
      clientMsgId: 'c-mine',
      messageId: 'm-mine',
      sentAt: replayed.sentAt,
    });
    socket.receive({ type: 'message.new', message: replayed });
    expect(events.filter((event) => event.type === 'ack')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'duplicate')).toHaveLength(1);
  });

  it('tells apart sends in two chats that use the same clientMsgId', async () => {
    const { client, socket } = await connected();
    const inFirst = client.send(CHAT, 'first chat', 'c-1');
    const inSecond = client.send(OTHER_CHAT, 'second chat', 'c-1');
    expect(client.pending).toBe(2);
    const sentAt = new Date(0).toISOString();
    socket.receive({ type: 'message.ack', chatId: OTHER_CHAT, clientMsgId: 'c-1', messageId: 'm-2', sentAt });
    socket.receive({ type: 'message.ack', chatId: CHAT, clientMsgId: 'c-1', messageId: 'm-1', sentAt });
    expect((await inFirst).messageId).toBe('m-1');
    expect((await inSecond).messageId).toBe('m-2');
    expect(client.pending).toBe(0);
  });

  it('ignores frames that break the protocol', async () => {
    const { events, socket } = await connected();
    socket.onmessage?.({ data: '{not json' });
    socket.onmessage?.({ data: JSON.stringify({ type: 'message.new', message: { messageId: 1 } }) });
    expect(events.filter((event) => event.type !== 'status')).toEqual([]);
  });
});
