import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { type ChatServiceEvent, Topics } from '@relay/contracts';
import { EventProducer, startGroupAtEnd } from '@relay/kafka';
import {
  committedOffsets,
  endOffsets,
  freePort,
  kafkaBrokers,
  produceRaw,
  readKey,
  type ServiceProcess,
  startProcess,
  stopAllProcesses,
} from '@relay/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { chatCreated, memberAdded, messageCreated, yearZeroMessage } from './events.ts';
import { type StoreKind, type TestStore, testStore } from './stores.ts';

const brokers = kafkaBrokers();
const producer = new EventProducer({ clientId: 'chat-consumer-test', brokers });
const handles: TestStore[] = [];
afterAll(async () => {
  await stopAllProcesses();
  await producer.close();
  for (const handle of handles) await handle.drop();
});

const startedGroups = new Set<string>();

/**
 * chat-consumer as its own process, in a group of its own that starts at the topic's current
 * end (the shared topic holds every earlier run's events; only what the test produces matters).
 */
async function startConsumer(
  handle: TestStore,
  groupId: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  if (!startedGroups.has(groupId)) {
    await startGroupAtEnd(brokers, groupId, Topics.chat);
    startedGroups.add(groupId);
  }
  return startProcess(join(import.meta.dirname, '../src/consumer.ts'), {
    env: { ...handle.env, CHAT_CONSUMER_GROUP: groupId, LOG_LEVEL: 'info', ...env },
    readyOutput: /consumer joined group/,
    timeoutMs: 60_000,
  });
}

/** The partitions of each "consumer joined group" line a consumer logged, oldest first. */
const assignments = (consumer: ServiceProcess): number[][] =>
  consumer
    .output()
    .split('\n')
    .filter((line) => line.includes('"consumer joined group"'))
    .map((line) => (JSON.parse(line) as { partitions: number[] }).partitions);

/** One counter from a consumer's /metrics. */
async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`) || entry.startsWith(`${name} `));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

/** Membership as the store holds it, through a store of the test's own. */
async function isMember(handle: TestStore, chatId: string, userId: string): Promise<boolean> {
  const store = await handle.open();
  try {
    return await store.isMember(chatId, userId);
  } finally {
    await store.close();
  }
}

const publish = (events: ChatServiceEvent[]) =>
  producer.publish(events.map((event) => ({ topic: Topics.chat, key: event.payload.chatId, value: event })));

/** Dead letters for one key, read from the start of chat_service.dlq by a new group. */
async function deadLettersFor(key: string, count: number, timeoutMs?: number) {
  const records = await readKey({
    brokers,
    topic: Topics.chatDeadLetter,
    groupId: `dlq-reader-${randomUUID()}`,
    key,
    count,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return records.map(
    (record) =>
      JSON.parse(record.value) as { reason: string; value: string | null; source: { topic: string } },
  );
}

describe.each<StoreKind>(['sqlite', 'postgres'])('chat-consumer on %s', (kind) => {
  const handle = testStore(kind);
  handles.push(handle);
  const groupId = `chat-service-test-${randomUUID()}`;
  let metricsPort = 0;

  it('stores each message once, even when the topic holds it twice', async () => {
    metricsPort = await freePort();
    await startConsumer(handle, groupId, { CHAT_CONSUMER_PORT: String(metricsPort) });
    const chatId = randomUUID();
    const members = [randomUUID(), randomUUID()];
    const messages = Array.from({ length: 100 }, (_, index) =>
      messageCreated(chatId, members[0] as string, `m${index}`),
    );
    await publish([chatCreated(chatId, members), ...messages]);
    await publish(messages);
    await expect.poll(() => handle.rows(chatId), { timeout: 20_000 }).toEqual({ rows: 100, distinct: 100 });
    expect(await handle.bodies(chatId)).toEqual(messages.map((event) => event.payload.body));
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
    expect(await metric(metricsPort, 'chat_consumer_events_applied_total')).toBeGreaterThanOrEqual(201);
  });

  it('sends poison records to the dead-letter topic and keeps consuming', async () => {
    const chatId = randomUUID();
    const raw = new Producer({
      clientId: 'poison',
      bootstrapBrokers: brokers,
      serializers: stringSerializers,
    });
    const fromTheFuture = { ...messageCreated(chatId, randomUUID(), 'v2'), version: 2 };
    await raw.send({
      messages: [
        { topic: Topics.chat, key: chatId, value: '{"type": "chat.message.created", oops' },
        { topic: Topics.chat, key: chatId, value: JSON.stringify(fromTheFuture) },
      ],
    });
    await raw.close();
    const after = messageCreated(chatId, randomUUID(), 'still flowing');
    await publish([chatCreated(chatId, [after.payload.senderId]), after]);

    await expect.poll(() => handle.rows(chatId), { timeout: 20_000 }).toEqual({ rows: 1, distinct: 1 });
    const letters = await deadLettersFor(chatId, 2);
    expect(letters.map((letter) => letter.reason)).toEqual([
      expect.stringMatching(/^invalid JSON/),
      'unsupported version 2',
    ]);
    expect(await metric(metricsPort, 'chat_consumer_dead_lettered_total')).toBeGreaterThanOrEqual(2);
    expect(letters[0]).toMatchObject({
      value: '{"type": "chat.message.created", oops',
      source: { topic: Topics.chat },
    });
  });

  it('dead-letters a record the store rejects, applies the rest of its batch in order and goes on', {
    timeout: 90_000,
  }, async () => {
    const port = await freePort();
    const group = `chat-service-rejects-${randomUUID()}`;
    const consumer = await startConsumer(handle, group, { CHAT_CONSUMER_PORT: String(port) });
    const [first, second] = [randomUUID(), randomUUID()];
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const poison = yearZeroMessage(randomUUID(), alice);
    const batch = [
      chatCreated(first, [alice]),
      messageCreated(first, alice, 'before'),
      poison,
      messageCreated(first, alice, 'after'),
      chatCreated(second, [bob]),
      messageCreated(second, bob, 'other chat'),
      memberAdded(first, carol),
    ];
    // One key: one partition, in this order, read in one batch. Raw, so no producer-side check stands in the way.
    await produceRaw(
      brokers,
      Topics.chat,
      batch.map((event) => ({ key: first, value: JSON.stringify(event) })),
    );
    const ends = await endOffsets(brokers, Topics.chat);

    await expect.poll(() => handle.bodies(first), { timeout: 30_000 }).toEqual(['before', 'after']);
    expect(await handle.bodies(second)).toEqual(['other chat']);
    expect(await handle.bodies(poison.payload.chatId)).toEqual([]);
    await expect.poll(() => isMember(handle, first, carol), { timeout: 10_000 }).toBe(true);
    // Every group reading the shared topic dead-letters it (the running stack's too): find this store's letter.
    const reason =
      kind === 'postgres'
        ? 'store rejected: date/time field value out of range: "0000-01-01T00:00:00.000Z" (22008)'
        : 'store rejected: messages.sent_at: before year 0001 (SQLITE_CONSTRAINT)';
    await expect
      .poll(async () => (await deadLettersFor(first, 10, 2000)).find((letter) => letter.reason === reason), {
        timeout: 20_000,
      })
      .toMatchObject({ value: JSON.stringify(poison), source: { topic: Topics.chat } });
    expect(await metric(port, 'chat_consumer_dead_lettered_total')).toBeGreaterThanOrEqual(1);
    await expect
      .poll(
        async () =>
          (await committedOffsets(brokers, group, Topics.chat)).every((at, i) => at >= (ends[i] ?? 0n)),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);

    await publish([messageCreated(second, bob, 'later')]);
    await expect.poll(() => handle.bodies(second), { timeout: 20_000 }).toEqual(['other chat', 'later']);
    await consumer.stop();
  });

  it('loses and doubles nothing when killed with -9 mid-stream', { timeout: 120_000 }, async () => {
    const killGroup = `chat-service-kill-${randomUUID()}`;
    // Static membership: the restarted consumer takes its partitions back without waiting out the session.
    let consumer = await startConsumer(handle, killGroup, { CHAT_CONSUMER_INSTANCE_ID: 'consumer-0' });
    const chatId = randomUUID();
    const sender = randomUUID();
    await publish([chatCreated(chatId, [sender])]);
    const total = 5000;
    const producing = (async () => {
      for (let index = 0; index < total; index += 250) {
        await publish(
          Array.from({ length: 250 }, (_, offset) => messageCreated(chatId, sender, `k${index + offset}`)),
        );
      }
    })();
    await expect
      .poll(async () => (await handle.rows(chatId)).rows, { timeout: 30_000, interval: 20 })
      .toBeGreaterThan(0);
    await consumer.kill('SIGKILL');
    const atKill = (await handle.rows(chatId)).rows;
    await producing;
    expect(atKill).toBeLessThan(total);

    consumer = await startConsumer(handle, killGroup, { CHAT_CONSUMER_INSTANCE_ID: 'consumer-0' });
    await expect
      .poll(() => handle.rows(chatId), { timeout: 90_000, interval: 250 })
      .toEqual({ rows: total, distinct: total });
    expect(await handle.bodies(chatId)).toEqual(Array.from({ length: total }, (_, index) => `k${index}`));
  });

  // SQLite has no server connections to lose, so this case exists for PostgreSQL only.
  if (kind === 'postgres')
    it('keeps consuming after its database connections are cut', async () => {
      const group = `chat-service-db-cut-${randomUUID()}`;
      const consumer = await startConsumer(handle, group);
      const chatId = randomUUID();
      const sender = randomUUID();
      const batch = (from: number) =>
        Array.from({ length: 50 }, (_, index) => messageCreated(chatId, sender, `c${from + index}`));
      await publish([chatCreated(chatId, [sender]), ...batch(0)]);
      await expect.poll(async () => (await handle.rows(chatId)).rows, { timeout: 20_000 }).toBe(50);

      // What a PostgreSQL restart or failover does to the pool's idle connections.
      await handle.sql?.(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'relay-chat:${handle.schema}'`,
      );
      await sleep(500);
      await publish(batch(50));
      await expect
        .poll(() => handle.bodies(chatId), { timeout: 20_000 })
        .toEqual(Array.from({ length: 100 }, (_, index) => `c${index}`));
      expect(consumer.output()).not.toMatch(/"level":60/);
      await consumer.stop();
    });

  it('shares the work as a group: one joins, one leaves mid-stream, nothing lost, doubled or reordered', {
    timeout: 120_000,
  }, async () => {
    const group = `chat-service-scale-${randomUUID()}`;
    const first = await startConsumer(handle, group);
    const chats = Array.from({ length: 12 }, () => ({ chatId: randomUUID(), sender: randomUUID() }));
    await publish(chats.map(({ chatId, sender }) => chatCreated(chatId, [sender])));
    let produced = 0;
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const from = produced;
        await publish(
          chats.flatMap(({ chatId, sender }) =>
            Array.from({ length: 10 }, (_, offset) => messageCreated(chatId, sender, `s${from + offset}`)),
          ),
        );
        produced += 10;
        await sleep(20);
      }
    })();
    const stored = async () => {
      let rows = 0;
      for (const { chatId } of chats) rows += (await handle.rows(chatId)).rows;
      return rows;
    };
    await expect.poll(stored, { timeout: 30_000 }).toBeGreaterThan(0);

    const second = await startConsumer(handle, group);
    // The first consumer hands half the partitions over at its next heartbeat.
    await expect.poll(() => assignments(first).length, { timeout: 30_000 }).toBeGreaterThan(1);
    const partitions = (assignments(first)[0] ?? []).length;
    expect(assignments(second).at(-1)?.length).toBeLessThan(partitions);
    const beforeLeaving = await stored();
    await expect.poll(stored, { timeout: 30_000 }).toBeGreaterThan(beforeLeaving);

    await first.stop(); // SIGTERM: finishes its batch, commits, leaves the group
    expect(first.output()).toMatch(/shut down cleanly/);
    await expect.poll(() => assignments(second).at(-1)?.length, { timeout: 30_000 }).toBe(partitions);
    const afterLeaving = await stored();
    await expect.poll(stored, { timeout: 30_000 }).toBeGreaterThan(afterLeaving);
    producing = false;
    await producer;

    const expected = Array.from({ length: produced }, (_, index) => `s${index}`);
    for (const { chatId } of chats) {
      await expect.poll(() => handle.bodies(chatId), { timeout: 60_000 }).toEqual(expected);
    }
    await second.stop();
  });
});

describe('chat-consumer logs', () => {
  const handle = testStore('sqlite');
  handles.push(handle);

  it("writes each message's lines in the correlation scope its envelope carries", async () => {
    const consumer = await startConsumer(handle, `chat-service-logs-${randomUUID()}`, { LOG_LEVEL: 'debug' });
    const chatId = randomUUID();
    const sender = randomUUID();
    const sent = [messageCreated(chatId, sender, 'first'), messageCreated(chatId, sender, 'second')].map(
      (event) => ({ ...event, correlationId: `corr-${randomUUID()}` }),
    );
    await publish([chatCreated(chatId, [sender]), ...sent]);
    await expect.poll(() => handle.bodies(chatId), { timeout: 20_000 }).toEqual(['first', 'second']);

    const linesOf = (correlationId: string) =>
      consumer
        .output()
        .split('\n')
        .filter((line) => line.includes(`"correlationId":"${correlationId}"`))
        .map((line) => JSON.parse(line) as { name: string; msg: string; key: string });
    for (const { correlationId } of sent) {
      await expect
        .poll(() => linesOf(correlationId), { timeout: 5000 })
        .toEqual([expect.objectContaining({ name: 'chat-consumer', msg: 'record handled', key: chatId })]);
    }
    await consumer.stop();
  });
});
