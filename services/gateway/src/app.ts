import { ChannelLayer } from '@relay/channel-layer';
import { createDatabase } from '@relay/database';
import { EventProducer } from '@relay/kafka';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import { createHttpApp, type HttpApp, type Logger, type ShutdownStep } from '@relay/platform';
import type { GatewayConfig } from './config.ts';

export interface Gateway {
  http: HttpApp;
  /** In order: stop accepting, then the connections. */
  shutdownSteps: ShutdownStep[];
}

/** Wires the gateway's adapters and routes; entry points only start what this builds. */
export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  const database = createDatabase({ url: config.GATEWAY_DATABASE_URL }, {});
  const channelLayer = new ChannelLayer({
    redisUrl: config.REDIS_URL,
    prefix: config.CHANNEL_LAYER_PREFIX,
    logger,
  });
  const producer = new EventProducer({ clientId: 'gateway', brokers: config.KAFKA_BROKERS });
  const storage = new ObjectStorage(objectStorageOptions(config));

  const http = await createHttpApp({
    name: 'gateway',
    version: '0.1.0',
    logger,
    openapi: { title: 'Relay gateway', description: 'Users, chats and conversions behind one API.' },
    readiness: [
      { name: 'postgres', check: database.ping },
      { name: 'redis', check: () => channelLayer.ping() },
      { name: 'kafka', check: () => producer.ping() },
      { name: 's3', check: () => storage.ping() },
    ],
  });

  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      { name: 'kafka', close: () => producer.close() },
      { name: 'redis', close: () => channelLayer.close() },
      { name: 'postgres', close: database.close },
      { name: 's3', close: async () => storage.close() },
    ],
  };
}
