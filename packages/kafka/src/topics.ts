import { Admin, Consumer } from '@platformatic/kafka';
import { Topics } from '@relay/contracts';

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** The topics Relay needs, under KAFKA_TOPIC_PREFIX; partitions bound how far consumers scale out. */
export function relayTopics(partitions: number, prefix = ''): TopicSpec[] {
  return [
    { name: `${prefix}${Topics.chat}`, partitions },
    { name: `${prefix}${Topics.chatDeadLetter}`, partitions: 1 },
  ];
}

/**
 * Creates missing topics with the admin client (never by hand on the broker).
 * Returns the names it created; existing topics are left as they are.
 */
export async function ensureTopics(
  brokers: string[],
  specs: readonly TopicSpec[],
  replicationFactor = 1,
): Promise<string[]> {
  const admin = new Admin({ clientId: 'relay-topics', bootstrapBrokers: brokers });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    for (const spec of missing) {
      await admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions,
        replicas: replicationFactor,
      });
    }
    return missing.map((spec) => spec.name);
  } finally {
    await admin.close();
  }
}

/** Deletes topics a run made for itself (a test's prefixed topics); missing ones are no error. */
export async function deleteTopics(brokers: string[], names: readonly string[]): Promise<void> {
  const admin = new Admin({ clientId: 'relay-topics', bootstrapBrokers: brokers });
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.close();
  }
}

/**
 * Commits the topic's current end offsets for a group that has none yet, so its first
 * consumer starts there instead of at the beginning. For tests and tools that watch only what
 * they produce next; production groups keep starting from the earliest record.
 */
export async function startGroupAtEnd(brokers: string[], groupId: string, topic: string): Promise<void> {
  const reader = new Consumer({ groupId, clientId: 'relay-offsets', bootstrapBrokers: brokers });
  const admin = new Admin({ clientId: 'relay-offsets', bootstrapBrokers: brokers });
  try {
    const ends = (await reader.listOffsets({ topics: [topic] })).get(topic) ?? [];
    await admin.alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: ends.map((offset, partition) => ({ partition, offset })) }],
    });
  } finally {
    await Promise.all([reader.close(), admin.close()]);
  }
}
