import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ChatServiceEvent,
  ChatServiceEvent as ChatServiceEventSchema,
  CORRELATION_HEADER,
  Topics,
} from '@relay/contracts';
import { withCorrelation } from '@relay/platform';
import { kafkaBrokers, readKey } from '@relay/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EventProducer } from '../src/producer.ts';
import { ensureTopics, relayTopics, startGroupAtEnd } from '../src/topics.ts';

const brokers = kafkaBrokers();
const producer = new EventProducer({ clientId: 'kafka-test', brokers });
afterAll(() => producer.close());

function messageEvent(chatId: string): ChatServiceEvent {
  return {
    id: randomUUID(),
    type: 'chat.message.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: 'kafka-test',
    payload: {
      messageId: randomUUID(),
      chatId,
      senderId: randomUUID(),
      clientMsgId: 'c1',
      body: 'hello through the broker',
      sentAt: new Date().toISOString(),
    },
  };
}

interface Received {
  value: ChatServiceEvent;
  correlationId: string | undefined;
}

/** A group's view of `key`: the first `count` records, as a consumer in it reads them. */
async function readEvents(groupId: string, key: string, count: number): Promise<Received[]> {
  const records = await readKey({ brokers, topic: Topics.chat, groupId, key, count });
  return records.map((record) => ({
    value: ChatServiceEventSchema.parse(JSON.parse(record.value)),
    correlationId: record.headers.get(CORRELATION_HEADER),
  }));
}

/** A group placed at the topic's end, so it reads only what the test produces next. */
async function freshGroup(): Promise<string> {
  const groupId = `kafka-test-${randomUUID()}`;
  await startGroupAtEnd(brokers, groupId, Topics.chat);
  return groupId;
}

describe('Kafka on the real broker', () => {
  it('has the topics, and creating them again changes nothing', async () => {
    expect(await ensureTopics(brokers, relayTopics(6))).toEqual([]);
  });

  it('round-trips an event on chat_service with its key and correlation header', async () => {
    const groupId = await freshGroup();
    const chatId = randomUUID();
    const event = messageEvent(chatId);
    await withCorrelation('corr-kafka-1', () =>
      producer.publish([{ topic: Topics.chat, key: chatId, value: event }]),
    );
    expect(await readEvents(groupId, chatId, 1)).toEqual([{ value: event, correlationId: 'corr-kafka-1' }]);
  });

  it('writes no correlation header for events that carry the id in their envelope', async () => {
    const groupId = await freshGroup();
    const chatId = randomUUID();
    const event = messageEvent(chatId);
    await withCorrelation('corr-kafka-2', () =>
      producer.publish([{ topic: Topics.chat, key: chatId, value: event }], { correlationHeader: false }),
    );
    expect(await readEvents(groupId, chatId, 1)).toEqual([{ value: event, correlationId: undefined }]);
  });

  it('keeps the order of many concurrent publishes for one key', async () => {
    const groupId = await freshGroup();
    const chatId = randomUUID();
    const events = Array.from({ length: 500 }, () => messageEvent(chatId));
    await Promise.all(
      events.map((event) => producer.publish([{ topic: Topics.chat, key: chatId, value: event }])),
    );
    const seen = await readEvents(groupId, chatId, events.length);
    expect(seen.map((received) => received.value.id)).toEqual(events.map((event) => event.id));
  });

  it('with a linger, sends publishes of a busy spell in fewer requests, in order, and a lone one at once', async () => {
    const lingering = new EventProducer({ clientId: 'kafka-test-linger', brokers, lingerMs: 50 });
    const eager = new EventProducer({ clientId: 'kafka-test-eager', brokers });
    try {
      const groupId = await freshGroup();
      const chatId = randomUUID();
      const events = Array.from({ length: 40 }, () => messageEvent(chatId));
      /** A publish every 5 ms for 200 ms: a request each time on its own, a few with the linger. */
      const spell = async (producer: EventProducer, batch: readonly ChatServiceEvent[]) => {
        const sent: Promise<void>[] = [];
        for (const event of batch) {
          sent.push(producer.publish([{ topic: Topics.chat, key: chatId, value: event }]));
          await sleep(5);
        }
        await Promise.all(sent);
      };
      await spell(eager, events.slice(0, 20));
      await spell(lingering, events.slice(20));
      expect(eager.counts).toEqual({ requests: expect.any(Number), records: 20 });
      expect(lingering.counts).toEqual({ requests: expect.any(Number), records: 20 });
      // 200 ms at one request per 50 ms at most: 5, plus one for the spell's tail.
      expect(lingering.counts.requests).toBeLessThanOrEqual(6);
      expect(eager.counts.requests).toBeGreaterThan(2 * lingering.counts.requests);
      const seen = await readEvents(groupId, chatId, events.length);
      expect(seen.map((received) => received.value.id)).toEqual(events.map((event) => event.id));

      // After a quiet spell longer than the linger, a publish is its own request, sent at once.
      await sleep(100);
      const before = lingering.counts.requests;
      const started = performance.now();
      await lingering.publish([{ topic: Topics.chat, key: chatId, value: messageEvent(chatId) }]);
      expect(lingering.counts.requests).toBe(before + 1);
      expect(performance.now() - started).toBeLessThan(50);
    } finally {
      await Promise.all([lingering.close(), eager.close()]);
    }
  });

  it('starts a new group at the end of the topic when asked, skipping what came before', async () => {
    const chatId = randomUUID();
    const before = messageEvent(chatId);
    const after = messageEvent(chatId);
    await producer.publish([{ topic: Topics.chat, key: chatId, value: before }]);
    const groupId = await freshGroup();
    await producer.publish([{ topic: Topics.chat, key: chatId, value: after }]);
    const [first] = await readEvents(groupId, chatId, 1);
    expect(first?.value.id).toBe(after.id);
  });
});
