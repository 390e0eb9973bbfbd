import { Cluster, chatRows, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
