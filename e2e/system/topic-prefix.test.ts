import { randomUUID } from 'node:crypto';
import { Topics } from '@relay/contracts';
import { deleteTopics, relayTopics, startGroupAtEnd } from '@relay/kafka';
import { Cluster, kafkaBrokers, readKey, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const brokers = kafkaBrokers();
const prefix = `test-${randomUUID().slice(0, 8)}.`;
let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  cluster = await Cluster.start({ topicPrefix: prefix });
  [alice, bob] = await Promise.all([cluster.user('Alice'), cluster.user('Bob')]);
});
afterAll(async () => {
  await cluster?.stop();
  await deleteTopics(
    brokers,
    relayTopics(1, prefix).map((topic) => topic.name),
  );
});

describe('KAFKA_TOPIC_PREFIX (how bench/chat keeps its events out of chat_service)', () => {
  it('carries a chat end to end on topics of its own, and nothing of it reaches chat_service', async () => {
    const watcher = `topic-prefix-watch-${randomUUID()}`;
    await startGroupAtEnd(brokers, watcher, Topics.chat);
    const { chatId, onA, onB } = await cluster.pairInChat(alice, bob);
    const ack = await onA.client.send(chatId, 'on a prefixed topic');
    await expect.poll(() => onB.received.map((message) => message.messageId)).toEqual([ack.messageId]);
    expect(onA.received).toEqual([]);

    // chat-consumer read it from the prefixed topic: chat-api serves it as history.
    await expect
      .poll(async () => (await cluster.history(bob, chatId)).map((message) => message.body), {
        timeout: 20_000,
      })
      .toEqual(['on a prefixed topic']);
    const prefixed = await readKey({
      brokers,
      topic: `${prefix}${Topics.chat}`,
      groupId: `topic-prefix-read-${randomUUID()}`,
      key: chatId,
      count: 2,
    });
    expect(prefixed.map((record) => (JSON.parse(record.value) as { type: string }).type)).toEqual([
      'chat.created',
      'chat.message.created',
    ]);
    const shared = await readKey({
      brokers,
      topic: Topics.chat,
      groupId: watcher,
      key: chatId,
      count: 1,
      timeoutMs: 3000,
    });
    expect(shared).toEqual([]);
  });
});
