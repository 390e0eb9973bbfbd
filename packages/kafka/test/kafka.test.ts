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
import { ensureTopics, relayTopics } from '../src/topics.ts';

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

describe('Kafka on the real broker', () => {
  it('has the topics, and creating them again changes nothing', async () => {
    expect(await ensureTopics(brokers, relayTopics(6))).toEqual([]);
  });

  it('round-trips an event on chat_service with its key and correlation header', async () => {
    const chatId = randomUUID();
    const event = messageEvent(chatId);
    await withCorrelation('corr-kafka-1', () =>
      producer.publish([{ topic: Topics.chat, key: chatId, value: event }]),
    );

    // A fresh group reading from the start finds the event among whatever earlier runs left.
    const consumer = new Consumer({
      groupId: `kafka-test-${randomUUID()}`,
      clientId: 'kafka-test-consumer',
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 200,
    });
    try {
      const stream = await consumer.consume({ topics: [Topics.chat], mode: 'earliest', autocommit: false });
      let found: { key: string; value: ChatServiceEvent; correlationId: string | undefined } | undefined;
      const deadline = setTimeout(() => void stream.close(), 20_000);
      for await (const message of stream) {
        if (message.key !== chatId) continue;
        found = {
          key: message.key,
          value: ChatServiceEventSchema.parse(JSON.parse(message.value)),
          correlationId: message.headers.get(CORRELATION_HEADER),
        };
        break;
      }
      clearTimeout(deadline);
      await stream.close();
      expect(found).toEqual({ key: chatId, value: event, correlationId: 'corr-kafka-1' });
    } finally {
      await consumer.close(true);
    }
  });

  it('keeps the order of many concurrent publishes for one key', async () => {
    const chatId = randomUUID();
    const events = Array.from({ length: 500 }, () => messageEvent(chatId));
    await Promise.all(
      events.map((event) => producer.publish([{ topic: Topics.chat, key: chatId, value: event }])),
    );

    const consumer = new Consumer({
      groupId: `kafka-test-${randomUUID()}`,
      clientId: 'kafka-test-consumer',
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 200,
    });
    try {
      const stream = await consumer.consume({ topics: [Topics.chat], mode: 'earliest', autocommit: false });
      const seen: string[] = [];
      const deadline = setTimeout(() => void stream.close(), 20_000);
      for await (const message of stream) {
        if (message.key !== chatId) continue;
        seen.push(ChatServiceEventSchema.parse(JSON.parse(message.value)).id);
        if (seen.length === events.length) break;
      }
      clearTimeout(deadline);
      await stream.close();
      expect(seen).toEqual(events.map((event) => event.id));
    } finally {
      await consumer.close(true);
    }
  });
});
