import { Consumer, stringDeserializers } from '@platformatic/kafka';

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
