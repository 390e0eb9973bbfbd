import { Admin } from '@platformatic/kafka';
import { Topics } from '@relay/contracts';

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** The topics Relay needs; partitions bound how far consumers scale out. */
export function relayTopics(partitions: number): TopicSpec[] {
  return [
    { name: Topics.chat, partitions },
    { name: Topics.chatDeadLetter, partitions: 1 },
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
