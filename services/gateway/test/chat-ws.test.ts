import { randomUUID } from 'node:crypto';
import { WS_MAX_FRAME_BYTES, WsCloseCode } from '@relay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, call, PASSWORD, type Running, startGateway, startWorker } from './helpers.ts';
import { TestSocket, wsUrl } from './ws-helpers.ts';

let gateway: Running;
let worker: { close: () => Promise<void> };
let alice: Awaited<ReturnType<typeof activeUser>>;
let bob: Awaited<ReturnType<typeof activeUser>>;
let mallory: Awaited<ReturnType<typeof activeUser>>;
let chatId: string;
const sockets: TestSocket[] = [];
const extraGateways: Running[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  worker = startWorker();
  [alice, bob, mallory] = await Promise.all([activeUser('Alice'), activeUser('Bob'), activeUser('Mallory')]);
  const created = await call(gateway.baseUrl, 'POST', '/api/chats', {
    token: alice.accessToken,
    body: { title: 'Lunch', memberEmails: [bob.email] },
  });
  expect(created.status).toBe(201);
  chatId = created.json.id;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([gateway?.close(), worker?.close(), ...extraGateways.map((extra) => extra.close())]);
});

async function connect(token: string | undefined, baseUrl = gateway.baseUrl, protocols?: string[]) {
  const socket = new TestSocket(wsUrl(baseUrl), token, protocols);
  sockets.push(socket);
  await socket.opened();
  return socket;
}

async function subscribed(token: string, afterMessageId?: string, baseUrl = gateway.baseUrl) {
  const socket = await connect(token, baseUrl);
  socket.send({ type: 'subscribe', chatId, afterMessageId });
  await socket.next('subscribed', (frame) => frame.chatId === chatId);
  return socket;
}

describe('WebSocket /ws: connecting', () => {
  it('refuses an upgrade without a token or with a tampered one, with 401', async () => {
    await expect(connect(undefined)).rejects.toThrow('upgrade answered 401');
    const tampered = `${alice.accessToken.slice(0, -4)}AAAA`;
    await expect(connect(tampered)).rejects.toThrow('upgrade answered 401');
  });

  it('needs the relay.v1 subprotocol', async () => {
    await expect(connect(alice.accessToken, gateway.baseUrl, ['chat.v0'])).rejects.toThrow();
  });
});

describe('WebSocket /ws: messages', () => {
  it('acks the sender and delivers to the other member, not back to the sender', async () => {
    const aliceSocket = await subscribed(alice.accessToken);
    const bobSocket = await subscribed(bob.accessToken);
    const clientMsgId = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: 'hi Bob' });

    const ack = await aliceSocket.next('message.ack', (frame) => frame.clientMsgId === clientMsgId);
    const delivered = await bobSocket.next(
      'message.new',
      (frame) => frame.message.clientMsgId === clientMsgId,
    );
    expect(delivered.message).toEqual({
      messageId: ack.messageId,
      chatId,
      senderId: expect.any(String),
      clientMsgId,
      body: 'hi Bob',
      sentAt: ack.sentAt,
    });
    // A fence: Bob's reply is recorded after Alice's message, so the room would hand Alice her own
    // copy before it; once the reply is here, her copy is not coming.
    const fence = randomUUID();
    bobSocket.send({ type: 'message.send', chatId, clientMsgId: fence, body: 'fence' });
    await aliceSocket.next('message.new', (frame) => frame.message.clientMsgId === fence);
    expect(
      aliceSocket.of('message.new').filter((frame) => frame.message.clientMsgId === clientMsgId),
    ).toEqual([]);
  });

  it('answers a resent clientMsgId with the same ack and delivers it once', async () => {
    const aliceSocket = await subscribed(alice.accessToken);
    const bobSocket = await subscribed(bob.accessToken);
    const clientMsgId = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: 'once' });
    const first = await aliceSocket.next('message.ack', (frame) => frame.clientMsgId === clientMsgId);
    // A resend from a fresh connection, as after a reconnect.
    const again = await connect(alice.accessToken);
    again.send({ type: 'message.send', chatId, clientMsgId, body: 'once' });
    const second = await again.next('message.ack', (frame) => frame.clientMsgId === clientMsgId);
    expect(second).toEqual(first);

    await bobSocket.next('message.new', (frame) => frame.message.clientMsgId === clientMsgId);
    // A fence sent after the resend on its connection (one connection's messages keep their order):
    // a second copy of the resend would reach Bob before it.
    const fence = randomUUID();
    again.send({ type: 'message.send', chatId, clientMsgId: fence, body: 'fence' });
    await bobSocket.next('message.new', (frame) => frame.message.clientMsgId === fence);
    expect(
      bobSocket.of('message.new').filter((frame) => frame.message.clientMsgId === clientMsgId),
    ).toHaveLength(1);
  });

  it('replays exactly the 200 messages a client missed while offline', async () => {
    const bobSocket = await subscribed(bob.accessToken);
    const aliceSocket = await subscribed(alice.accessToken);
    const before = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId: before, body: 'before the tunnel' });
    const lastSeen = await bobSocket.next('message.new', (frame) => frame.message.clientMsgId === before);
    bobSocket.close();
    await bobSocket.closed();

    const acksBefore = aliceSocket.of('message.ack').length;
    for (let index = 0; index < 200; index += 1)
      aliceSocket.send({ type: 'message.send', chatId, clientMsgId: randomUUID(), body: `missed ${index}` });
    await expect.poll(() => aliceSocket.of('message.ack').length, { timeout: 10_000 }).toBe(acksBefore + 200);
    const missed = aliceSocket
      .of('message.ack')
      .slice(acksBefore)
      .map((ack) => ack.messageId);

    const back = await subscribed(bob.accessToken, lastSeen.message.messageId);
    expect(back.of('subscribed')[0]?.replayed).toBe(200);
    expect(back.of('message.new').map((frame) => frame.message.messageId)).toEqual(missed);

    // And it is live again afterwards.
    const after = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId: after, body: 'welcome back' });
    await back.next('message.new', (frame) => frame.message.clientMsgId === after);
    expect(back.of('message.new')).toHaveLength(201);
  });

  it('relays typing and read receipts to the other member', async () => {
    const aliceSocket = await subscribed(alice.accessToken);
    const bobSocket = await subscribed(bob.accessToken);
    aliceSocket.send({ type: 'typing', chatId });
    const typing = await bobSocket.next('typing');
    expect(typing.chatId).toBe(chatId);

    const clientMsgId = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: 'read me' });
    const { message } = await bobSocket.next(
      'message.new',
      (frame) => frame.message.clientMsgId === clientMsgId,
    );
    bobSocket.send({ type: 'message.read', chatId, messageId: message.messageId });
    const receipt = await aliceSocket.next('message.read', (frame) => frame.messageId === message.messageId);
    expect(receipt).toEqual({
      type: 'message.read',
      chatId,
      userId: expect.any(String),
      messageId: message.messageId,
    });
    expect(receipt.userId).not.toBe(typing.userId);
  });
});

describe('WebSocket /ws: chats joined', () => {
  it("tells each member's open sockets of a chat they were put in, created or added, and nobody else", async () => {
    const [bobSocket, mallorySocket] = await Promise.all([
      connect(bob.accessToken),
      connect(mallory.accessToken),
    ]);
    const created = await call(gateway.baseUrl, 'POST', '/api/chats', {
      token: alice.accessToken,
      body: { memberEmails: [bob.email] },
    });
    expect(created.status).toBe(201);
    expect((await bobSocket.next('chat.joined', (frame) => frame.chatId === created.json.id)).chatId).toBe(
      created.json.id,
    );

    const added = await call(gateway.baseUrl, 'POST', `/api/chats/${created.json.id}/members`, {
      token: alice.accessToken,
      body: { emails: [mallory.email] },
    });
    expect(added.status).toBe(200);
    const joined = await mallorySocket.next('chat.joined', (frame) => frame.chatId === created.json.id);
    expect(joined).toEqual({ type: 'chat.joined', chatId: created.json.id });
    // Bob was in it already: adding Mallory is no news to him, and Mallory heard of nothing before.
    const fence = await call(gateway.baseUrl, 'POST', '/api/chats', {
      token: alice.accessToken,
      body: { memberEmails: [bob.email] },
    });
    await bobSocket.next('chat.joined', (frame) => frame.chatId === fence.json.id);
    expect(bobSocket.of('chat.joined').map((frame) => frame.chatId)).toEqual([
      created.json.id,
      fence.json.id,
    ]);
    expect(mallorySocket.of('chat.joined').map((frame) => frame.chatId)).toEqual([created.json.id]);
  });
});

describe('WebSocket /ws: bad input', () => {
  it('answers bad frames with error frames and stays usable', async () => {
    const socket = await connect(alice.accessToken);
    socket.send('{not json');
    await socket.next('error', (frame) => frame.code === 'bad_frame');
    socket.send({ type: 'launch.missiles' });
    await socket.next('error', (frame) => frame.code === 'unknown_type');
    socket.send({ type: 'message.send', chatId, clientMsgId: 'c-1', body: '' });
    const invalid = await socket.next('error', (frame) => frame.clientMsgId === 'c-1');
    expect(invalid.code).toBe('bad_frame');
    expect(invalid.message).toMatch(/body/);
    socket.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(WS_MAX_FRAME_BYTES) }));
    await socket.next('error', (frame) => frame.code === 'frame_too_large');
    socket.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await expect.poll(() => socket.of('error').filter((frame) => frame.code === 'bad_frame').length).toBe(3);

    socket.send({ type: 'ping' });
    await socket.next('pong');
  });

  it('closes an abusive connection (a flood of bad frames) with 4429', async () => {
    const socket = await connect(alice.accessToken);
    for (let index = 0; index < 60; index += 1) socket.send('{not json');
    expect(await socket.closed()).toBe(WsCloseCode.abuse);
    expect(socket.of('error').length).toBeGreaterThan(50);
  });

  it('closes with 1009 on a frame far over the limit', async () => {
    const socket = await connect(alice.accessToken);
    socket.send('x'.repeat(200 * 1024));
    expect(await socket.closed()).toBe(WsCloseCode.tooLarge);
  });

  it('keeps non-members out: no subscribe, no send, no read receipt', async () => {
    const socket = await connect(mallory.accessToken);
    socket.send({ type: 'subscribe', chatId });
    expect((await socket.next('error', (frame) => frame.chatId === chatId)).code).toBe('forbidden');
    socket.send({ type: 'message.send', chatId, clientMsgId: 'm-1', body: 'let me in' });
    expect((await socket.next('error', (frame) => frame.clientMsgId === 'm-1')).code).toBe('forbidden');
    expect(socket.of('subscribed')).toEqual([]);
    expect(socket.of('message.ack')).toEqual([]);
  });

  it('limits how fast one user sends, across gateway processes', async () => {
    const limited = await startGateway({ CHAT_SEND_RATE_PER_SECOND: '1' });
    const alsoLimited = await startGateway({ CHAT_SEND_RATE_PER_SECOND: '1' });
    extraGateways.push(limited, alsoLimited);
    // A sender of its own: the limit is kept per user in Redis, shared by every gateway.
    const sender = await activeUser('Fast Sender');
    const own = await call(gateway.baseUrl, 'POST', '/api/chats', {
      token: sender.accessToken,
      body: { memberEmails: [bob.email] },
    });
    const onFirst = await connect(sender.accessToken, limited.baseUrl);
    for (let index = 0; index < 6; index += 1)
      onFirst.send({
        type: 'message.send',
        chatId: own.json.id,
        clientMsgId: `r-${index}`,
        body: `fast ${index}`,
      });
    await expect.poll(() => onFirst.of('message.ack').length).toBe(6);
    // Past the limiter's settle interval (20 ms): the first gateway's count is in Redis.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const socket = await connect(sender.accessToken, alsoLimited.baseUrl);
    for (let index = 6; index < 12; index += 1)
      socket.send({
        type: 'message.send',
        chatId: own.json.id,
        clientMsgId: `r-${index}`,
        body: `fast ${index}`,
      });
    // 1 per second over a 10 s window, on both gateways together: ten pass, the last two are refused.
    await expect.poll(() => socket.of('message.ack').length).toBe(4);
    await expect
      .poll(() =>
        socket
          .of('error')
          .filter((frame) => frame.code === 'rate_limited')
          .map((frame) => frame.clientMsgId),
      )
      .toEqual(['r-10', 'r-11']);
  });
});

describe('WebSocket /ws: heartbeat', () => {
  it('drops a peer that stops answering pings, and keeps one that answers', async () => {
    const beating = await startGateway({ WS_HEARTBEAT_MS: '200' });
    extraGateways.push(beating);
    const silent = new TestSocket(wsUrl(beating.baseUrl), alice.accessToken, undefined, { autoPong: false });
    const alive = new TestSocket(wsUrl(beating.baseUrl), alice.accessToken);
    sockets.push(silent, alive);
    await Promise.all([silent.opened(), alive.opened()]);
    // Terminated without a close frame: the client sees 1006.
    expect(await silent.closed()).toBe(1006);
    alive.send({ type: 'ping' });
    await alive.next('pong');
    expect(alive.closeCode).toBeUndefined();
  });
});

describe('WebSocket /ws: token lifetime', () => {
  it('closes with 4401 when the token expires, unless a fresh one was sent', async () => {
    // Long enough that a login (argon2) on a loaded machine still lands before the first token expires.
    const shortLived = await startGateway({ ACCESS_TOKEN_TTL_SECONDS: '4' });
    extraGateways.push(shortLived);
    const login = async () =>
      (
        await call(shortLived.baseUrl, 'POST', '/api/auth/login', {
          body: { email: alice.email, password: PASSWORD },
        })
      ).json.accessToken as string;

    const expiring = await connect(await login(), shortLived.baseUrl);
    const refreshed = await connect(await login(), shortLived.baseUrl);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    refreshed.send({ type: 'auth.refresh', accessToken: await login() });
    await refreshed.next('auth.refreshed');

    expect(await expiring.closed()).toBe(WsCloseCode.tokenExpired);
    expect(expiring.of('error').map((frame) => frame.code)).toEqual(['token_expired']);
    refreshed.send({ type: 'ping' });
    await refreshed.next('pong');
    expect(refreshed.closeCode).toBeUndefined();

    refreshed.send({ type: 'auth.refresh', accessToken: bob.accessToken });
    expect((await refreshed.next('error', (frame) => frame.code === 'forbidden')).message).toMatch(
      /another user/,
    );
  });
});

describe('WebSocket /ws: message identity', () => {
  it('gives one clientMsgId used in two chats two messages, each acked, delivered and kept in its own chat', async () => {
    const second = await call(gateway.baseUrl, 'POST', '/api/chats', {
      token: alice.accessToken,
      body: { title: 'Second', memberEmails: [bob.email] },
    });
    const secondChatId: string = second.json.id;
    const aliceSocket = await connect(alice.accessToken);
    const bobSocket = await connect(bob.accessToken);
    for (const socket of [aliceSocket, bobSocket])
      for (const id of [chatId, secondChatId]) socket.send({ type: 'subscribe', chatId: id });
    await expect.poll(() => bobSocket.of('subscribed').length).toBe(2);
    await expect.poll(() => aliceSocket.of('subscribed').length).toBe(2);

    // A client numbering its messages per chat: "1" in each.
    const clientMsgId = `per-chat-${randomUUID()}`;
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: 'in the first chat' });
    const firstAck = await aliceSocket.next('message.ack', (frame) => frame.clientMsgId === clientMsgId);
    aliceSocket.send({ type: 'message.send', chatId: secondChatId, clientMsgId, body: 'in the second chat' });
    await expect
      .poll(() => aliceSocket.of('message.ack').filter((frame) => frame.clientMsgId === clientMsgId).length)
      .toBe(2);
    const secondAck = aliceSocket.of('message.ack').filter((frame) => frame.clientMsgId === clientMsgId)[1];
    if (secondAck === undefined) throw new Error('no second ack');
    expect(secondAck.messageId).not.toBe(firstAck.messageId);
    expect([firstAck.chatId, secondAck.chatId]).toEqual([chatId, secondChatId]);

    const inFirst = await bobSocket.next(
      'message.new',
      (frame) => frame.message.messageId === firstAck.messageId,
    );
    const inSecond = await bobSocket.next(
      'message.new',
      (frame) => frame.message.messageId === secondAck.messageId,
    );
    expect(inFirst.message).toMatchObject({ chatId, body: 'in the first chat', sentAt: firstAck.sentAt });
    expect(inSecond.message).toMatchObject({
      chatId: secondChatId,
      body: 'in the second chat',
      sentAt: secondAck.sentAt,
    });
  });

  it('refuses a clientMsgId reused for another text in the same chat, and acks nothing for it', async () => {
    const aliceSocket = await subscribed(alice.accessToken);
    const bobSocket = await subscribed(bob.accessToken);
    const clientMsgId = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: 'the original' });
    const ack = await aliceSocket.next('message.ack', (frame) => frame.clientMsgId === clientMsgId);
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: 'something else' });
    const refused = await aliceSocket.next('error', (frame) => frame.clientMsgId === clientMsgId);
    expect(refused).toMatchObject({ code: 'conflict', chatId });
    expect(aliceSocket.of('message.ack').filter((frame) => frame.clientMsgId === clientMsgId)).toEqual([ack]);

    await bobSocket.next('message.new', (frame) => frame.message.clientMsgId === clientMsgId);
    // A fence sent after the refused one on the same connection: anything it let through would come first.
    const fence = randomUUID();
    aliceSocket.send({ type: 'message.send', chatId, clientMsgId: fence, body: 'fence' });
    await bobSocket.next('message.new', (frame) => frame.message.clientMsgId === fence);
    expect(
      bobSocket
        .of('message.new')
        .filter((frame) => frame.message.clientMsgId === clientMsgId)
        .map((frame) => frame.message.body),
    ).toEqual(['the original']);
  });
});

describe('WebSocket /ws: hostile input', () => {
  it('refuses bodies with control characters or nothing visible, with an error frame and no ack', async () => {
    const socket = await connect(alice.accessToken);
    const bodies = [
      'nul\u0000inside',
      'bell\u0007',
      'lone \uD800',
      '\u200B\u200B',
      '\u200D\u2060\uFEFF',
      ' \u3164 ',
    ];
    for (const [index, body] of bodies.entries())
      socket.send({ type: 'message.send', chatId, clientMsgId: `hostile-${index}`, body });
    for (const index of bodies.keys()) {
      const refused = await socket.next('error', (frame) => frame.clientMsgId === `hostile-${index}`);
      expect(refused.code, JSON.stringify(bodies[index])).toBe('bad_frame');
      expect(refused.message).toMatch(/body/);
    }
    socket.send({ type: 'ping' });
    await socket.next('pong');
    expect(socket.of('message.ack')).toEqual([]);
  });

  it('limits subscribes per connection', async () => {
    const limited = await startGateway({ WS_SUBSCRIBES_PER_10S: '3' });
    extraGateways.push(limited);
    const socket = await connect(alice.accessToken, limited.baseUrl);
    for (let index = 1; index <= 5; index += 1) {
      socket.send({ type: 'subscribe', chatId });
      await expect.poll(() => socket.of('subscribed').length + socket.of('error').length).toBe(index);
    }
    expect(socket.of('subscribed')).toHaveLength(3);
    expect(socket.of('error').map((frame) => frame.code)).toEqual(['rate_limited', 'rate_limited']);
  });

  it('coalesces a flood of read receipts: the first at once, then the newest once per interval', async () => {
    const aliceSocket = await subscribed(alice.accessToken);
    const bobSocket = await subscribed(bob.accessToken);
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const clientMsgId = randomUUID();
      aliceSocket.send({ type: 'message.send', chatId, clientMsgId, body: `read flood ${index}` });
      ids.push(
        (await aliceSocket.next('message.ack', (frame) => frame.clientMsgId === clientMsgId)).messageId,
      );
    }
    const [first, middle, last] = ids as [string, string, string];
    bobSocket.send({ type: 'message.read', chatId, messageId: first });
    for (let index = 0; index < 298; index += 1)
      bobSocket.send({ type: 'message.read', chatId, messageId: middle });
    bobSocket.send({ type: 'message.read', chatId, messageId: last });

    await aliceSocket.next('message.read', (frame) => frame.messageId === last);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const receipts = aliceSocket.of('message.read').map((frame) => frame.messageId);
    expect(receipts).toEqual([first, last]);
  });

  it('refuses an upgrade that does not offer the relay.v1 subprotocol, with 400', async () => {
    await expect(connect(alice.accessToken, gateway.baseUrl, [])).rejects.toThrow('upgrade answered 400');
    await expect(connect(alice.accessToken, gateway.baseUrl, ['chat.v0'])).rejects.toThrow(
      'upgrade answered 400',
    );
  });
});
