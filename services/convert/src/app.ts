import { ChannelLayer } from '@relay/channel-layer';
import { createDatabase } from '@relay/database';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import { createHttpApp, type HttpApp, type Logger, type ShutdownStep } from '@relay/platform';
import type { ConvertConfig } from './config.ts';

export interface ConvertService {
  http: HttpApp;
  shutdownSteps: ShutdownStep[];
}

/** Wires convert-api's adapters and routes. */
export async function buildConvertService(config: ConvertConfig, logger: Logger): Promise<ConvertService> {
  const database = createDatabase({ url: config.CONVERT_DATABASE_URL }, {});
  const channelLayer = new ChannelLayer({
    redisUrl: config.REDIS_URL,
    prefix: config.CHANNEL_LAYER_PREFIX,
    logger,
  });
  const storage = new ObjectStorage(objectStorageOptions(config));

  const http = await createHttpApp({
    name: 'convert',
    version: '0.1.0',
    logger,
    openapi: { title: 'Relay convert', description: 'Document conversion jobs.' },
    readiness: [
      { name: 'postgres', check: database.ping },
      { name: 'redis', check: () => channelLayer.ping() },
      { name: 's3', check: () => storage.ping() },
    ],
  });

  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      { name: 'redis', close: () => channelLayer.close() },
      { name: 'postgres', close: database.close },
      { name: 's3', close: async () => storage.close() },
    ],
  };
}
