import { Cluster, chatRows, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  cluster = await Cluster.start({ gateways: 2 });
  [alice, bob] = await Promise.all([cluster.user('Alice'), cluster.user('Bob')]);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('chat across two gateway processes', () => {
  it('delivers 1,000 messages each way exactly once, in history order, and persists each once', async () => {
    const { chatId, onA, onB } = await cluster.pairInChat(alice, bob);

    const count = 1000;
    const sends = [];
    for (let index = 0; index < count; index += 1) {
      sends.push(onA.client.send(chatId, `from Alice ${index}`));
      sends.push(onB.client.send(chatId, `from Bob ${index}`));
    }
    const acks = await Promise.all(sends);
    expect(new Set(acks.map((ack) => ack.messageId)).size).toBe(2 * count);

    await expect.poll(() => onA.received.length, { timeout: 30_000 }).toBe(count);
    await expect.poll(() => onB.received.length, { timeout: 30_000 }).toBe(count);
    expect(onA.duplicates).toEqual([]);
    expect(onB.duplicates).toEqual([]);
    expect(onA.received.every((message) => message.senderId === bob.id)).toBe(true);
    expect(onB.received.every((message) => message.senderId === alice.id)).toBe(true);

    await expect
      .poll(() => chatRows(cluster.sqlitePath, chatId), { timeout: 30_000 })
      .toEqual({
        rows: 2 * count,
        distinct: 2 * count,
      });
    const history = await cluster.history(alice, chatId);
    expect(history).toHaveLength(2 * count);
    const historyOf = (senderId: string) =>
      history.filter((message) => message.senderId === senderId).map((message) => message.messageId);
    expect(onA.received.map((message) => message.messageId)).toEqual(historyOf(bob.id));
    expect(onB.received.map((message) => message.messageId)).toEqual(historyOf(alice.id));
    // Each sender's messages are stored in the order it sent them.
    expect(history.filter((message) => message.senderId === alice.id).map((message) => message.body)).toEqual(
      Array.from({ length: count }, (_, index) => `from Alice ${index}`),
    );
  });

  it('keeps a message in each chat when a client numbers its messages per chat (same clientMsgId)', async () => {
    const first = await cluster.pairInChat(alice, bob);
    const second = await cluster.pairInChat(alice, bob);
    const inFirst = await first.onA.client.send(first.chatId, 'first chat, message 1', '1');
    const inSecond = await second.onA.client.send(second.chatId, 'second chat, message 1', '1');
    expect(inSecond.messageId).not.toBe(inFirst.messageId);

    await expect
      .poll(() => first.onB.received.map((message) => message.body))
      .toEqual(['first chat, message 1']);
    await expect
      .poll(() => second.onB.received.map((message) => message.body))
      .toEqual(['second chat, message 1']);
    const bodies = async (chatId: string) =>
      (await cluster.history(bob, chatId)).map((message) => message.body);
    await expect.poll(() => bodies(first.chatId), { timeout: 15_000 }).toEqual(['first chat, message 1']);
    await expect.poll(() => bodies(second.chatId), { timeout: 15_000 }).toEqual(['second chat, message 1']);
  });

  it('keeps non-members out of chat-api itself, even with a valid token', async () => {
    const chatId = await cluster.createChat(alice, [bob]);
    const mallory = await cluster.user('Mallory');
    const direct = (user: TestUser) =>
      fetch(`${cluster.chatUrl}/chats/${chatId}/messages`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
    // chat-api learns the membership from chat_service; a member gets in once it has.
    await expect.poll(async () => (await direct(bob)).status, { timeout: 15_000 }).toBe(200);
    const refused = await direct(mallory);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const viaGateway = await fetch(`${cluster.gatewayUrls[0]}/api/chats/${chatId}/messages`, {
      headers: { authorization: `Bearer ${mallory.accessToken}` },
    });
    expect(viaGateway.status).toBe(403);
  });

  it('counts unread messages per member and clears them with a read receipt the sender sees', async () => {
    const { chatId, onA, onB } = await cluster.pairInChat(alice, bob);
    const acks = [];
    for (const body of ['one', 'two', 'three']) acks.push(await onB.client.send(chatId, body));

    const chatOf = async (user: TestUser) => {
      const response = await fetch(`${cluster.gatewayUrls[0]}/api/chats`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      const list = (await response.json()) as {
        chats: { id: string; unreadCount: number; lastMessage: { body: string } | null }[];
      };
      return list.chats.find((chat) => chat.id === chatId);
    };
    await expect.poll(async () => (await chatOf(alice))?.unreadCount, { timeout: 15_000 }).toBe(3);
    expect((await chatOf(alice))?.lastMessage?.body).toBe('three');
    expect((await chatOf(bob))?.unreadCount).toBe(0);

    const receipts: string[] = [];
    onB.client.on((event) => {
      if (event.type === 'read') receipts.push(event.messageId);
    });
    onA.client.markRead(chatId, acks[1]?.messageId ?? '');
    await expect.poll(async () => (await chatOf(alice))?.unreadCount, { timeout: 15_000 }).toBe(1);
    expect(receipts).toEqual([acks[1]?.messageId]);
  });
});
