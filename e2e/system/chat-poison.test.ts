import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type ChatMessage, Topics } from '@relay/contracts';
import { startGroupAtEnd } from '@relay/kafka';
import {
  Cluster,
  kafkaBrokers,
  produceRaw,
  ROOT,
  readKey,
  startProcess,
  type TestUser,
} from '@relay/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const brokers = kafkaBrokers();
// The chat tables in a PostgreSQL schema of this run's own, dropped after it.
const schema = `chat_poison_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  cluster = await Cluster.start({
    gateways: 2,
    chatStore: 'postgres',
    // Debug: the gateways' per-message lines, for the correlation test.
    env: { CHAT_DATABASE_SCHEMA: schema, LOG_LEVEL: 'debug' },
  });
  [alice, bob, carol] = await Promise.all([
    cluster.user('Alice'),
    cluster.user('Bob'),
    cluster.user('Carol'),
  ]);
});
afterAll(async () => {
  await cluster?.stop();
  const db = new pg.Client({ connectionString: process.env.CHAT_DATABASE_URL });
  await db.connect();
  await db.query(`drop schema if exists ${schema} cascade`);
  await db.end();
});

/** A chat's history straight from chat-api, as `user` is answered: the status and the bodies. */
async function historyAtChatApi(user: TestUser, chatId: string) {
  const response = await fetch(`${cluster.chatUrl}/chats/${chatId}/messages?limit=200`, {
    headers: { authorization: `Bearer ${user.accessToken}` },
  });
  if (response.status !== 200) return { status: response.status, bodies: [] };
  const page = (await response.json()) as { messages: ChatMessage[] };
  return { status: response.status, bodies: page.messages.map((message) => message.body) };
}

describe('a record the PostgreSQL chat store rejects', () => {
  it('goes to the dead-letter topic with the store reason while every later chat is stored', async () => {
    // Valid by the contract (the consumer decodes it), but PostgreSQL has no year 0.
    const poisonChat = randomUUID();
    const poison = {
      id: randomUUID(),
      type: 'chat.message.created',
      version: 1,
      occurredAt: new Date().toISOString(),
      correlationId: 'chat-poison-test',
      payload: {
        messageId: randomUUID(),
        chatId: poisonChat,
        senderId: alice.id,
        clientMsgId: randomUUID(),
        body: 'sent in year zero',
        sentAt: '0000-01-01T00:00:00.000Z',
      },
    };
    await produceRaw(brokers, Topics.chat, [{ key: poisonChat, value: JSON.stringify(poison) }]);

    const chats = [await cluster.pairInChat(alice, bob), await cluster.pairInChat(bob, carol)];
    const sent = new Map<string, string[]>();
    for (const { chatId, onA, onB } of chats) {
      const bodies: string[] = [];
      for (let index = 0; index < 10; index += 1) {
        await onA.client.send(chatId, `${chatId} a${index}`);
        await onB.client.send(chatId, `${chatId} b${index}`);
        bodies.push(`${chatId} a${index}`, `${chatId} b${index}`);
      }
      sent.set(chatId, bodies);
    }

    // Members of chats created after the poison are known to chat-api (not 403) and see every message.
    const [first, second] = chats.map((chat) => chat.chatId) as [string, string];
    for (const [chatId, member] of [
      [first, alice],
      [first, bob],
      [second, carol],
    ] as const) {
      await expect
        .poll(() => historyAtChatApi(member, chatId), { timeout: 30_000 })
        .toEqual({ status: 200, bodies: sent.get(chatId) });
    }

    // Any other group reading the topic dead-letters it too (by its own store's reason): find this one's.
    const reason = 'store rejected: date/time field value out of range: "0000-01-01T00:00:00.000Z" (22008)';
    const letters = async () => {
      const records = await readKey({
        brokers,
        topic: Topics.chatDeadLetter,
        groupId: `dlq-reader-${randomUUID()}`,
        key: poisonChat,
        count: 10,
        timeoutMs: 2000,
      });
      return records.map((record) => JSON.parse(record.value) as { reason: string });
    };
    await expect
      .poll(async () => (await letters()).find((letter) => letter.reason === reason), { timeout: 20_000 })
      .toMatchObject({ value: JSON.stringify(poison), source: { topic: Topics.chat } });
    const logged = cluster.consumer
      .output()
      .split('\n')
      .filter((line) => line.includes('"correlationId":"chat-poison-test"'))
      .map((line) => JSON.parse(line) as { partition: number; offset: string; reason: string });
    expect(logged).toEqual([
      expect.objectContaining({
        partition: expect.any(Number),
        offset: expect.any(String),
        reason: expect.stringMatching(/^store rejected: /),
      }),
    ]);
  });
});

describe('the correlation id of a chat event', () => {
  type LogLine = {
    name: string;
    msg: string;
    key?: string;
    chatId?: string;
    messageId?: string;
    correlationId?: string;
  };
  const linesOf = (output: string, text: string) =>
    output
      .split('\n')
      .filter((line) => line.includes(text))
      .map((line) => JSON.parse(line) as LogLine);

  // A consumer of its own, in a group that starts at the topic's end, logging every handled record.
  let consumer: Awaited<ReturnType<typeof startProcess>>;
  const readerGroup = `chat-correlation-reader-${randomUUID()}`;
  beforeAll(async () => {
    const groupId = `chat-service-correlation-${randomUUID()}`;
    await Promise.all([
      startGroupAtEnd(brokers, groupId, Topics.chat),
      startGroupAtEnd(brokers, readerGroup, Topics.chat),
    ]);
    consumer = await startProcess(join(ROOT, 'services/chat/src/consumer.ts'), {
      env: {
        CHAT_STORE: 'postgres',
        CHAT_DATABASE_SCHEMA: schema,
        CHAT_CONSUMER_GROUP: groupId,
        LOG_LEVEL: 'debug',
      },
      readyOutput: /consumer joined group/,
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await consumer?.stop();
  });

  it('is the one the gateway answered the request with, on the lines chat-consumer writes about the event', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const response = await fetch(`${cluster.gatewayUrls[0]}/api/chats`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${alice.accessToken}`,
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({ title: 'correlated', memberEmails: [bob.email] }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    const { id: chatId } = (await response.json()) as { id: string };

    // One way: in the envelope, not in a Kafka header as well.
    const [record] = await readKey({
      brokers,
      topic: Topics.chat,
      groupId: readerGroup,
      key: chatId,
      count: 1,
    });
    expect(record?.headers.has('x-correlation-id')).toBe(false);
    expect(JSON.parse(record?.value ?? '{}')).toMatchObject({ type: 'chat.created', correlationId });

    await expect
      .poll(() => linesOf(consumer.output(), `"correlationId":"${correlationId}"`), { timeout: 20_000 })
      .toEqual([expect.objectContaining({ name: 'chat-consumer', msg: 'record handled', key: chatId })]);
  });

  it('of a message sent over the WebSocket is on the gateway line about it and on the chat-consumer line', async () => {
    const { chatId, onA } = await cluster.pairInChat(alice, carol);
    const { messageId } = await onA.client.send(chatId, 'correlated over the socket');
    const gateway = cluster.gateways[0]?.process;
    if (gateway === undefined) throw new Error('no gateway');

    const sentLines = () => linesOf(gateway.output(), `"messageId":"${messageId}"`);
    await expect.poll(sentLines, { timeout: 5_000 }).toEqual([
      expect.objectContaining({
        name: 'gateway',
        msg: 'message sent',
        chatId,
        correlationId: expect.any(String),
      }),
    ]);
    const correlationId = sentLines()[0]?.correlationId as string;
    // Each frame has a scope of its own: not the id of the connection's upgrade or of the chat's creation.
    expect(linesOf(gateway.output(), `"correlationId":"${correlationId}"`)).toHaveLength(1);

    await expect
      .poll(() => linesOf(consumer.output(), `"correlationId":"${correlationId}"`), { timeout: 20_000 })
      .toEqual([expect.objectContaining({ name: 'chat-consumer', msg: 'record handled', key: chatId })]);
  });
});
