/**
 * Makes the running infrastructure ready for the services: Kafka topics (admin client),
 * the S3 bucket. Idempotent; run by `./relay up` and `./relay test`.
 */
import { ensureTopics, kafkaEnv, relayTopics } from '@relay/kafka';
import { ObjectStorage, objectStorageOptions, s3Env } from '@relay/object-storage';
import { loadConfig, runProcess } from '@relay/platform';

runProcess('provision', async () => {
  const config = loadConfig({ ...kafkaEnv, ...s3Env });

  const created = await ensureTopics(
    config.KAFKA_BROKERS,
    relayTopics(config.KAFKA_CHAT_PARTITIONS, config.KAFKA_TOPIC_PREFIX),
    config.KAFKA_REPLICATION_FACTOR,
  );
  console.log(`kafka     topics ready${created.length > 0 ? ` (created ${created.join(', ')})` : ''}`);

  const storage = new ObjectStorage(objectStorageOptions(config));
  try {
    const bucketCreated = await storage.ensureBucket();
    console.log(`s3        bucket ${storage.bucket} ready${bucketCreated ? ' (created)' : ''}`);
  } finally {
    storage.close();
  }
});
