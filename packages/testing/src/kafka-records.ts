import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { kafkaEnv } from '@relay/kafka';

/** KAFKA_BROKERS as the services read it: the same default and validation. */
export function kafkaBrokers(): string[] {
  return kafkaEnv.KAFKA_BROKERS.parse(process.env.KAFKA_BROKERS);
}

export interface KeyedRecord {
  value: string;
  headers: Map<string, string>;
}

export interface ReadKeyOptions {
  brokers: string[];
  topic: string;
  /** Reads from the group's committed offsets, or from the earliest record for a new group. */
  groupId: string;
  key: string;
  count: number;
  timeoutMs?: number;
}

/** The first `count` records with `key`, as a consumer in the group reads them; fewer after the timeout. */
export async function readKey(options: ReadKeyOptions): Promise<KeyedRecord[]> {
  const consumer = new Consumer({
    groupId: options.groupId,
    clientId: 'relay-test-reader',
    bootstrapBrokers: options.brokers,
    deserializers: stringDeserializers,
    maxWaitTime: 200,
  });
  try {
    const stream = await consumer.consume({
      topics: [options.topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    const found: KeyedRecord[] = [];
    const deadline = setTimeout(() => void stream.close(), options.timeoutMs ?? 20_000);
    for await (const message of stream) {
      if (message.key !== options.key) continue;
      found.push({ value: message.value, headers: message.headers });
      if (found.length === options.count) break;
    }
    clearTimeout(deadline);
    await stream.close();
    return found;
  } finally {
    await consumer.close(true);
  }
}

export interface RawRecord {
  key: string;
  /** Written as is: a hand-made event, or poison that no producer of the system writes. */
  value: string;
}

/** Writes `records` to `topic` as they are, in one request, so records of one key keep this order. */
export async function produceRaw(
  brokers: string[],
  topic: string,
  records: readonly RawRecord[],
): Promise<void> {
  const producer = new Producer({
    clientId: 'relay-test-raw',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
  });
  try {
    await producer.send({ messages: records.map(({ key, value }) => ({ topic, key, value })) });
  } finally {
    await producer.close();
  }
}

/** The offset after the last record of each partition of `topic`, by partition index. */
export async function endOffsets(brokers: string[], topic: string): Promise<bigint[]> {
  const reader = new Consumer({
    groupId: `offsets-${randomUUID()}`,
    clientId: 'relay-test-offsets',
    bootstrapBrokers: brokers,
  });
  try {
    return (await reader.listOffsets({ topics: [topic] })).get(topic) ?? [];
  } finally {
    await reader.close();
  }
}

/** The group's committed offset of each partition of `topic`, by partition index (0 where it never committed). */
export async function committedOffsets(brokers: string[], groupId: string, topic: string): Promise<bigint[]> {
  const admin = new Admin({ clientId: 'relay-test-offsets', bootstrapBrokers: brokers });
  try {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    const partitions = group?.topics.find((entry) => entry.name === topic)?.partitions ?? [];
    return (await endOffsets(brokers, topic)).map(
      (_, index) => partitions.find((partition) => partition.partitionIndex === index)?.committedOffset ?? 0n,
    );
  } finally {
    await admin.close();
  }
}
