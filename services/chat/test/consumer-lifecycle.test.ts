import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '@platformatic/kafka';
import type { ChatServiceEvent } from '@relay/contracts';
import { type BatchConsumer, EventProducer } from '@relay/kafka';
import { createLogger, createMetrics } from '@relay/platform';
import {
  committedOffsets as committedOffsetsOf,
  endOffsets as endOffsetsOf,
  kafkaBrokers,
} from '@relay/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatConsumer } from '../src/messages/chat-events.consumer.ts';
import { chatConsumerMetrics } from '../src/messages/chat-events.metrics.ts';
import { chatCreated, messageCreated } from './events.ts';
import { type StoreKind, type TestStore, testStore } from './stores.ts';

/**
 * chat-consumer in-process, each case on a topic of its own, so a new group really starts at
 * the topic's first record, committed offsets can be compared with the topic's end, and the
 * topic can be taken away under the consumer.
 */
const brokers = kafkaBrokers();
const logger = createLogger({ name: 'chat-consumer-test', level: 'silent' });
const admin = new Admin({ clientId: 'chat-consumer-test', bootstrapBrokers: brokers });
const producer = new EventProducer({ clientId: 'chat-consumer-test', brokers });
const topics = new Set<string>();
const consumers: BatchConsumer<ChatServiceEvent>[] = [];
const handles: TestStore[] = [];

afterAll(async () => {
  for (const consumer of consumers) await consumer.stop();
  await producer.close();
  if (topics.size > 0) await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  await admin.close();
  for (const handle of handles) await handle.drop();
});

/** Creates the topic; right after a delete the broker may still refuse, so it retries. */
async function createTopic(name: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.createTopics({ topics: [name], partitions: 2, replicas: 1 });
      topics.add(name);
      return;
    } catch (error) {
      if (attempt >= 40) throw error;
      await sleep(250);
    }
  }
}

async function setUp(kind: StoreKind) {
  const topic = `chat_service.test-${randomUUID()}`;
  await createTopic(topic);
  const handle = testStore(kind);
  handles.push(handle);
  const store = await handle.open();
  const metrics = createMetrics('chat-consumer-test');
  const groupId = `chat-consumer-test-${randomUUID()}`;
  const consumer = createChatConsumer({
    brokers,
    groupId,
    topic,
    batchSize: 50,
    store,
    deadLetters: producer,
    logger,
    metrics: chatConsumerMetrics(metrics),
  });
  consumers.push(consumer);
  const publish = (events: ChatServiceEvent[]) =>
    producer.publish(events.map((event) => ({ topic, key: event.payload.chatId, value: event })));
  const counter = async (name: string) =>
    (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
  return { topic, groupId, handle, store, consumer, publish, counter };
}

/** One chat's creation and `count` messages with bodies `${prefix}0`, `${prefix}1`, … */
function chat(count: number, prefix = 'm') {
  const chatId = randomUUID();
  const sender = randomUUID();
  const messages = Array.from({ length: count }, (_, index) =>
    messageCreated(chatId, sender, `${prefix}${index}`),
  );
  return { chatId, sender, events: [chatCreated(chatId, [sender]), ...messages] };
}

const bodies = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => `${prefix}${from + index}`);

const committedOffsets = (groupId: string, topic: string) => committedOffsetsOf(brokers, groupId, topic);
const endOffsets = (topic: string) => endOffsetsOf(brokers, topic);

describe('chat-consumer lifecycle', () => {
  it('starts a new group at the first record and commits everything applied when stopped', async () => {
    const { topic, groupId, handle, consumer, publish } = await setUp('sqlite');
    const first = chat(120, 'a');
    const second = chat(80, 'b');
    // Produced before the group exists: a group without offsets must not skip them.
    await publish([...first.events, ...second.events]);
    await consumer.start();
    await expect.poll(() => handle.bodies(first.chatId), { timeout: 20_000 }).toEqual(bodies('a', 0, 120));
    await expect.poll(() => handle.bodies(second.chatId), { timeout: 20_000 }).toEqual(bodies('b', 0, 80));
    await consumer.stop();
    expect(await committedOffsets(groupId, topic)).toEqual(await endOffsets(topic));
  });

  it('retries a batch while the store is unavailable, dead-lettering and committing nothing until it is in', {
    timeout: 60_000,
  }, async () => {
    const { topic, groupId, handle, consumer, publish, counter } = await setUp('postgres');
    const { chatId, sender, events } = chat(10, 'm');
    await consumer.start();
    await publish(events);
    await expect.poll(() => handle.bodies(chatId), { timeout: 20_000 }).toEqual(bodies('m', 0, 10));
    await expect
      .poll(() => committedOffsets(groupId, topic), { timeout: 10_000 })
      .toEqual(await endOffsets(topic));
    const committedBefore = await committedOffsets(groupId, topic);

    await handle.sql?.(`alter table ${handle.schema}.messages rename to messages_away`);
    await publish(Array.from({ length: 30 }, (_, index) => messageCreated(chatId, sender, `m${10 + index}`)));
    // More failed attempts than a rejected batch gets before it is split: an outage is never a rejection.
    await expect
      .poll(() => counter('chat_consumer_batch_retries_total'), { timeout: 20_000 })
      .toBeGreaterThan(5);
    expect(await committedOffsets(groupId, topic)).toEqual(committedBefore);
    expect(await counter('chat_consumer_dead_lettered_total')).toBe(0);
    await handle.sql?.(`alter table ${handle.schema}.messages_away rename to messages`);

    await expect.poll(() => handle.bodies(chatId), { timeout: 20_000 }).toEqual(bodies('m', 0, 40));
    await expect
      .poll(() => committedOffsets(groupId, topic), { timeout: 10_000 })
      .toEqual(await endOffsets(topic));
    expect(await counter('chat_consumer_dead_lettered_total')).toBe(0);
  });

  it('joins the group again when the client gives its stream up, and goes on consuming', async () => {
    const { topic, handle, consumer, publish, counter } = await setUp('sqlite');
    const { chatId, sender, events } = chat(10, 'm');
    await consumer.start();
    await publish(events);
    await expect.poll(() => handle.bodies(chatId), { timeout: 20_000 }).toEqual(bodies('m', 0, 10));

    // Fetches fail until the client's retries run out and it destroys the stream.
    await admin.deleteTopics({ topics: [topic] });
    await expect
      .poll(() => counter('chat_consumer_reconnects_total'), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await createTopic(topic);
    const later = Array.from({ length: 20 }, (_, index) => messageCreated(chatId, sender, `later${index}`));
    await publish(later);
    await expect
      .poll(() => handle.bodies(chatId), { timeout: 30_000 })
      .toEqual([...bodies('m', 0, 10), ...bodies('later', 0, 20)]);
    expect(() => consumer.assertConsuming()).not.toThrow();
  });
});
