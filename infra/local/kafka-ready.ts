/**
 * Exits 0 once the Kafka broker answers a metadata request, 1 otherwise: the readiness check of
 * the local stack (a log line can say "started" before the broker serves clients).
 *   node infra/local/kafka-ready.ts 127.0.0.1:9092
 */
import { EventProducer } from '@relay/kafka';
import { withTimeout } from '@relay/platform';

const producer = new EventProducer({
  clientId: 'relay-ready-check',
  brokers: [process.argv[2] ?? '127.0.0.1:9092'],
});
try {
  await withTimeout(producer.ping(), 3000, 'no metadata answer within 3 s');
  process.exitCode = 0;
} catch {
  process.exitCode = 1;
} finally {
  await withTimeout(producer.close(), 1000, 'close').catch(() => undefined);
}
