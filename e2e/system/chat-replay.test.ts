import { randomUUID } from 'node:crypto';
import { type ServerFrame, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@relay/contracts';
import { Cluster, chatRows, RecordingClient, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // A recent stream too short to reach back: replays must come from chat-api's history.
  cluster = await Cluster.start({ gateways: 2, env: { CHAT_RECENT_LIMIT: '1' } });
  [alice, bob] = await Promise.all([cluster.user('Alice'), cluster.user('Bob')]);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('replay beyond the recent stream', () => {
  it('gives a client back exactly the 300 messages it missed, from persisted history', async () => {
    const { chatId, onA, onB } = await cluster.pairInChat(alice, bob);
    await onA.client.send(chatId, 'before the tunnel');
    await expect.poll(() => onB.received.length).toBe(1);
    onB.client.stop();

    const missed = await Promise.all(
      Array.from({ length: 300 }, (_, index) => onA.client.send(chatId, `missed ${index}`)),
    );
    await expect.poll(() => chatRows(cluster.sqlitePath, chatId).rows, { timeout: 20_000 }).toBe(301);

    const replayed = new Promise<number>((resolve) => {
      const off = onB.client.on((event) => {
        if (event.type === 'subscribed') {
          off();
          resolve(event.replayed);
        }
      });
    });
    onB.client.start(); // resubscribes with the last message it has
    expect(await replayed).toBe(300);
    expect(onB.received.slice(1).map((message) => message.messageId)).toEqual(
      missed.map((ack) => ack.messageId),
    );
    expect(onB.duplicates).toEqual([]);
  });
});

/** How many history pages chat-api has served, from its own /metrics. */
async function historyReads(): Promise<number> {
  const text = await (await fetch(`${cluster.chatUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('http_request_duration_seconds_count{') && line.includes('/chats/:chatId/messages'),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('a cursor the server does not know', () => {
  it('is the client’s error: the client goes live from now and hears what comes next', async () => {
    const { chatId, onA } = await cluster.pairInChat(alice, bob);
    await onA.client.send(chatId, 'known to chat-api');
    await expect.poll(() => chatRows(cluster.sqlitePath, chatId).rows, { timeout: 20_000 }).toBe(1);

    const late = new RecordingClient(bob, [cluster.gatewayUrls[0] as string]);
    const subscribed = new Promise<void>((resolve) => {
      const off = late.client.on((event) => {
        if (event.type === 'subscribed') {
          off();
          resolve();
        }
      });
    });
    late.client.subscribe(chatId, randomUUID());
    late.client.start();
    await subscribed;
    expect(late.errors.map((event) => (event.type === 'error' ? event.code : event.type))).toEqual([
      'unknown_message',
    ]);
    await onA.client.send(chatId, 'after the bad cursor');
    await expect.poll(() => late.received.map((message) => message.body)).toEqual(['after the bad cursor']);
    late.client.stop();
  });

  it('costs at most a few chat-api reads per connection, however many frames carry one', async () => {
    const { chatId } = await cluster.pairInChat(alice, bob);
    await expect
      .poll(
        async () =>
          (
            await fetch(`${cluster.chatUrl}/chats/${chatId}/messages`, {
              headers: { authorization: `Bearer ${bob.accessToken}` },
            })
          ).status,
        { timeout: 15_000 },
      )
      .toBe(200);
    const socket = new WebSocket(`${(cluster.gatewayUrls[0] as string).replace(/^http/, 'ws')}/ws`, [
      WS_PROTOCOL,
      `${WS_TOKEN_PROTOCOL_PREFIX}${bob.accessToken}`,
    ]);
    const errors: Extract<ServerFrame, { type: 'error' }>[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type === 'error') errors.push(frame);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const readsBefore = await historyReads();

    for (let index = 0; index < 50; index += 1)
      socket.send(JSON.stringify({ type: 'subscribe', chatId, afterMessageId: randomUUID() }));
    await expect.poll(() => errors.length).toBe(50);
    socket.close();

    const codes = errors.map((frame) => frame.code);
    expect(codes.filter((code) => code === 'unknown_message')).toHaveLength(5);
    expect(codes.filter((code) => code === 'rate_limited')).toHaveLength(45);
    expect((await historyReads()) - readsBefore).toBe(5);
  });
});
