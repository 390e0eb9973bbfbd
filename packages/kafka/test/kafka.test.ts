import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import {
  type ChatServiceEvent,
  ChatServiceEvent as ChatServiceEventSchema,
  CORRELATION_HEADER,
  Topics,
} from '@relay/contracts';
import { withCorrelation } from '@relay/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { EventProducer } from '../src/producer.ts';
import { ensureTopics, relayTopics, startGroupAtEnd } from '../src/topics.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
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

/** A fresh group's view of `key`: the first `count` records, as a consumer in it reads them. */
async function readKey(groupId: string, key: string, count: number): Promise<Received[]> {
  const consumer = new Consumer({
    groupId,
    clientId: 'kafka-test-consumer',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
    maxWaitTime: 200,
  });
  try {
    const stream = await consumer.consume({
      topics: [Topics.chat],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    const found: Received[] = [];
    const deadline = setTimeout(() => void stream.close(), 20_000);
    for await (const message of stream) {
      if (message.key !== key) continue;
      found.push({
        value: ChatServiceEventSchema.parse(JSON.parse(message.value)),
        correlationId: message.headers.get(CORRELATION_HEADER),
      });
      if (found.length === count) break;
    }
    clearTimeout(deadline);
    await stream.close();
    return found;
  } finally {
    await consumer.close(true);
  }
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
    expect(await readKey(groupId, chatId, 1)).toEqual([{ value: event, correlationId: 'corr-kafka-1' }]);
  });

  it('keeps the order of many concurrent publishes for one key', async () => {
    const groupId = await freshGroup();
    const chatId = randomUUID();
    const events = Array.from({ length: 500 }, () => messageEvent(chatId));
    await Promise.all(
      events.map((event) => producer.publish([{ topic: Topics.chat, key: chatId, value: event }])),
    );
    const seen = await readKey(groupId, chatId, events.length);
    expect(seen.map((received) => received.value.id)).toEqual(events.map((event) => event.id));
  });

  it('starts a new group at the end of the topic when asked, skipping what came before', async () => {
    const chatId = randomUUID();
    const before = messageEvent(chatId);
    const after = messageEvent(chatId);
    await producer.publish([{ topic: Topics.chat, key: chatId, value: before }]);
    const groupId = await freshGroup();
    await producer.publish([{ topic: Topics.chat, key: chatId, value: after }]);
    const [first] = await readKey(groupId, chatId, 1);
    expect(first?.value.id).toBe(after.id);
  });
});
