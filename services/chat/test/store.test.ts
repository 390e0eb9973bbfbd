import { randomUUID } from 'node:crypto';
import type { MessagePage } from '@relay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatStore, PageQuery } from '../src/store/chat-store.ts';
import { chatCreated, memberAdded, messageCreated, messageRead } from './events.ts';
import { type StoreKind, type TestStore, testStore } from './stores.ts';

describe.each<StoreKind>(['sqlite', 'postgres'])('%s chat store', (kind) => {
  let handle: TestStore;
  let store: ChatStore;
  beforeAll(async () => {
    handle = testStore(kind);
    store = await handle.open();
  });
  afterAll(async () => {
    await store?.close();
    await handle?.drop();
  });

  const alice = randomUUID();
  const bob = randomUUID();

  async function pageOf(chatId: string, query: PageQuery): Promise<MessagePage> {
    const page = await store.page(chatId, query);
    if (page === undefined) throw new Error(`no page for ${JSON.stringify(query)}`);
    return page;
  }

  async function chatWith(count: number, senders: string[] = [alice]) {
    const chatId = randomUUID();
    const messages = Array.from({ length: count }, (_, index) =>
      messageCreated(chatId, senders[index % senders.length] as string, `message ${index}`),
    );
    await store.applyEvents([chatCreated(chatId, [alice, bob]), ...messages]);
    return { chatId, ids: messages.map((event) => event.payload.messageId) };
  }

  it('applies a batch once, however often it comes', async () => {
    const chatId = randomUUID();
    const batch = [chatCreated(chatId, [alice, bob]), messageCreated(chatId, alice, 'hello')];
    await store.applyEvents(batch);
    await store.applyEvents(batch);
    await store.applyEvents([batch[1] as (typeof batch)[number]]);
    expect(await handle.rows(chatId)).toEqual({ rows: 1, distinct: 1 });
    const page = await pageOf(chatId, { limit: 50 });
    expect(page.messages.map((message) => message.body)).toEqual(['hello']);
    expect(page.messages[0]).toEqual(batch[1]?.payload);
  });

  it('pages back from the newest and forward from a cursor, in arrival order', async () => {
    const { chatId, ids } = await chatWith(5);
    const newest = await pageOf(chatId, { limit: 2 });
    expect(newest.messages.map((message) => message.messageId)).toEqual(ids.slice(3));
    expect(newest.nextCursor).toBe(ids[3]);
    const older = await pageOf(chatId, { before: ids[3], limit: 2 });
    expect(older.messages.map((message) => message.messageId)).toEqual(ids.slice(1, 3));
    const oldest = await pageOf(chatId, { before: ids[1], limit: 2 });
    expect(oldest).toEqual({ messages: [expect.objectContaining({ messageId: ids[0] })], nextCursor: null });

    const forward = await pageOf(chatId, { after: ids[0], limit: 2 });
    expect(forward.messages.map((message) => message.messageId)).toEqual(ids.slice(1, 3));
    expect(forward.nextCursor).toBe(ids[2]);
    expect(await pageOf(chatId, { after: ids[4], limit: 2 })).toEqual({ messages: [], nextCursor: null });
  });

  it('knows no cursor from another chat, nor one never stored', async () => {
    const { chatId, ids } = await chatWith(1);
    const other = await chatWith(1);
    expect(await store.page(chatId, { before: other.ids[0], limit: 10 })).toBeUndefined();
    expect(await store.page(chatId, { after: other.ids[0], limit: 10 })).toBeUndefined();
    expect(await store.page(chatId, { after: randomUUID(), limit: 10 })).toBeUndefined();
    expect(await pageOf(chatId, { before: ids[0], limit: 10 })).toEqual({ messages: [], nextCursor: null });
  });

  it('knows members from creation and additions only', async () => {
    const { chatId } = await chatWith(0);
    const carol = randomUUID();
    expect(await store.isMember(chatId, alice)).toBe(true);
    expect(await store.isMember(chatId, carol)).toBe(false);
    await store.applyEvents([memberAdded(chatId, carol)]);
    expect(await store.isMember(chatId, carol)).toBe(true);
    expect(await store.isMember(randomUUID(), alice)).toBe(false);
  });

  it('counts unread messages from others, with read positions that only move forward', async () => {
    const { chatId, ids } = await chatWith(6, [alice, bob]); // alice sends 0, 2, 4; bob 1, 3, 5
    const summaryOf = async (userId: string) =>
      (await store.summaries(userId)).find((summary) => summary.chatId === chatId);
    expect(await summaryOf(bob)).toMatchObject({
      unreadCount: 3,
      lastReadMessageId: null,
      lastMessage: expect.objectContaining({ messageId: ids[5] }),
    });
    await store.applyEvents([messageRead(chatId, bob, ids[2] as string)]);
    expect(await summaryOf(bob)).toMatchObject({ unreadCount: 1, lastReadMessageId: ids[2] });
    await store.applyEvents([messageRead(chatId, bob, ids[0] as string)]);
    expect(await summaryOf(bob)).toMatchObject({ unreadCount: 1, lastReadMessageId: ids[2] });
    await store.applyEvents([messageRead(chatId, bob, ids[5] as string)]);
    expect(await summaryOf(bob)).toMatchObject({ unreadCount: 0, lastReadMessageId: ids[5] });
    expect((await store.summaries(randomUUID())).length).toBe(0);
  });
});
