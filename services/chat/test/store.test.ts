import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { MessagePage } from '@relay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatStore, EventsRejected, type PageQuery } from '../src/store/chat-store.ts';
import { chatCreated, memberAdded, messageCreated, messageRead, yearZeroMessage } from './events.ts';
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

  it("lists each member's read position, the furthest one read", async () => {
    const { chatId, ids } = await chatWith(4, [alice, bob]);
    expect(await store.readPositions(chatId)).toEqual([]);
    await store.applyEvents([
      messageRead(chatId, bob, ids[2] as string),
      messageRead(chatId, alice, ids[3] as string),
      messageRead(chatId, bob, ids[1] as string),
    ]);
    const reads = await store.readPositions(chatId);
    expect(reads.map(({ userId, messageId }) => ({ userId, messageId }))).toEqual(
      [
        { userId: alice, messageId: ids[3] },
        { userId: bob, messageId: ids[2] },
      ].sort((a, b) => a.userId.localeCompare(b.userId)),
    );
    for (const read of reads) expect(new Date(read.readAt).toISOString()).toBe(read.readAt);
    expect(await store.readPositions(randomUUID())).toEqual([]);
  });

  it('rejects a batch with a value it cannot hold as EventsRejected, keeping none of that batch', async () => {
    const chatId = randomUUID();
    const good = messageCreated(chatId, alice, 'fine');
    const error = await store
      .applyEvents([chatCreated(chatId, [alice]), good, yearZeroMessage(chatId, alice)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventsRejected);
    expect(error).toMatchObject(
      kind === 'postgres'
        ? { code: '22008', message: 'date/time field value out of range: "0000-01-01T00:00:00.000Z"' }
        : { code: 'SQLITE_CONSTRAINT', message: 'messages.sent_at: before year 0001' },
    );
    expect(await handle.rows(chatId)).toEqual({ rows: 0, distinct: 0 });
    expect(await store.isMember(chatId, alice)).toBe(false);
    await store.applyEvents([chatCreated(chatId, [alice]), good]);
    expect(await handle.bodies(chatId)).toEqual(['fine']);
  });

  it.each([
    [
      'chat.created',
      (chatId: string) => ({ ...chatCreated(chatId, [alice]), occurredAt: '0000-12-31T23:59:59Z' }),
    ],
    [
      'chat.member.added',
      (chatId: string) => ({ ...memberAdded(chatId, bob), occurredAt: '0000-06-01T00:00:00Z' }),
    ],
    [
      'chat.message.read',
      (chatId: string, messageId: string) => {
        const read = messageRead(chatId, bob, messageId);
        return { ...read, payload: { ...read.payload, readAt: '0000-01-01T00:00:00Z' } };
      },
    ],
  ])('rejects a %s event dated year 0000, as PostgreSQL does', async (_, event) => {
    const chatId = randomUUID();
    const sent = messageCreated(chatId, alice, 'to read');
    await store.applyEvents([chatCreated(chatId, [alice, bob]), sent]);
    await expect(store.applyEvents([event(chatId, sent.payload.messageId)])).rejects.toBeInstanceOf(
      EventsRejected,
    );
  });

  it('does not call a store it cannot reach a rejection', async () => {
    const closed = await handle.open();
    await closed.close();
    const error = await closed
      .applyEvents([chatCreated(randomUUID(), [alice])])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(EventsRejected);
  });
});

/** The first step, applied as the runner before drizzle's ledger did: tables plus `schema_migrations` at 1. */
const formerRunner = (kind: StoreKind) => `
  ${readFileSync(new URL(`../src/store/migrations/${kind}/0000_chat.sql`, import.meta.url), 'utf8')};
  create table schema_migrations (version integer primary key, applied_at text not null);
  insert into schema_migrations values (1, '2026-11-25T05:00:00Z');`;

describe.each<StoreKind>(['sqlite', 'postgres'])('migrating a %s chat store', (kind) => {
  it('is created once when chat-api and chat-consumer open it together', async () => {
    const handle = testStore(kind);
    try {
      const stores = await Promise.all([handle.open(), handle.open(), handle.open()]);
      await Promise.all(stores.map((store) => store.close()));
      expect(await handle.migrationsApplied()).toBe(kind === 'sqlite' ? 2 : 1);
    } finally {
      await handle.drop();
    }
  });

  it('deployed at migration 1 adopts the former ledger, keeps its rows and applies only the later steps', async () => {
    const handle = testStore(kind);
    const chatId = randomUUID();
    const alice = randomUUID();
    const sent = messageCreated(chatId, alice, 'from before');
    const { messageId, senderId, clientMsgId, body, sentAt } = sent.payload;
    const row = `insert into messages (message_id, chat_id, sender_id, client_msg_id, body, sent_at)
      values ('${messageId}', '${chatId}', '${senderId}', '${clientMsgId}', '${body}', '${sentAt}');`;
    if (handle.kind === 'sqlite') {
      const db = new DatabaseSync(handle.env.CHAT_SQLITE_PATH as string);
      db.exec(formerRunner(kind) + row);
      db.close();
    } else {
      const sql = handle.sql as (text: string) => Promise<void>;
      await sql(
        `create schema ${handle.schema}; set local search_path = ${handle.schema}; ${formerRunner(kind)} ${row}`,
      );
    }
    try {
      const [first, second] = await Promise.all([handle.open(), handle.open()]);
      await Promise.all([first.close(), second.close()]);
      const store = await handle.open();
      expect(await handle.bodies(chatId)).toEqual(['from before']);
      await store.applyEvents([chatCreated(chatId, [alice]), messageCreated(chatId, alice, 'after')]);
      expect(await handle.bodies(chatId)).toEqual(['from before', 'after']);
      // Migration 2 (SQLite only) ran: year 0000 is refused there as in PostgreSQL.
      await expect(store.applyEvents([yearZeroMessage(chatId, alice)])).rejects.toBeInstanceOf(
        EventsRejected,
      );
      expect(await handle.migrationsApplied()).toBe(kind === 'sqlite' ? 2 : 1);
      await store.close();
    } finally {
      await handle.drop();
    }
  });
});
