import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import { ChannelLayer } from '@relay/channel-layer';
import { createDatabase, migrateDatabase } from '@relay/database';
import { JobQueue } from '@relay/jobs';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import {
  createAuthenticate,
  createHttpApp,
  createJwtVerifier,
  type HttpApp,
  type Logger,
  type ShutdownStep,
} from '@relay/platform';
import { bullmqConnection, createRedisClient } from '@relay/redis';
import type { ConvertConfig } from './config.ts';
import { convertJob } from './conversions/conversion.jobs.ts';
import { ConversionsRepository } from './conversions/conversions.repository.ts';
import { registerConversionRoutes } from './conversions/conversions.routes.ts';
import { conversions } from './conversions/conversions.schema.ts';
import { ConversionsService } from './conversions/conversions.service.ts';
import { PasswordVault } from './conversions/password-vault.ts';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));
const schema = { conversions };

export interface ConvertProcess {
  http: HttpApp;
  /** In order: stop accepting, then the connections. */
  shutdownSteps: ShutdownStep[];
}

/** Applies convert's pending migrations; run by provisioning, never by a process on start. */
export async function migrateConvert(config: ConvertConfig): Promise<void> {
  await migrateDatabase(config.CONVERT_DATABASE_URL, MIGRATIONS_FOLDER);
}

/** The adapters both processes share. */
export function connect(config: ConvertConfig, logger: Logger) {
  const database = createDatabase(
    {
      url: config.CONVERT_DATABASE_URL,
      onIdleError: (err) => logger.warn({ err }, 'an idle PostgreSQL connection was dropped'),
    },
    schema,
  );
  const channelLayer = new ChannelLayer({
    redisUrl: config.REDIS_URL,
    prefix: config.CHANNEL_LAYER_PREFIX,
    logger,
  });
  const storage = new ObjectStorage(objectStorageOptions(config));
  const redis = createRedisClient(config.REDIS_URL, { name: 'convert-passwords' });
  const passwords = new PasswordVault({
    redis,
    key: config.CONVERT_PASSWORD_KEY,
    prefix: config.JOBS_PREFIX,
    ttlSeconds: Math.round(config.CONVERT_PASSWORD_TTL_HOURS * 3600),
  });
  return {
    database,
    channelLayer,
    storage,
    passwords,
    closePasswords: async () => void (await redis.quit()),
    repository: new ConversionsRepository(database.db),
  };
}

/** Wires convert-api: uploads in, the owner's jobs out. */
export async function buildConvertService(config: ConvertConfig, logger: Logger): Promise<ConvertProcess> {
  const { database, channelLayer, storage, passwords, closePasswords, repository } = connect(config, logger);
  const queue = new JobQueue(
    convertJob(config.CONVERT_JOB_ATTEMPTS),
    bullmqConnection(config.REDIS_URL),
    config.JOBS_PREFIX,
  );
  const authenticate = createAuthenticate(
    createJwtVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      jwksUrl: config.GATEWAY_JWKS_URL,
    }),
  );
  const http = await createHttpApp({
    name: 'convert',
    version: '0.1.0',
    logger,
    openapi: { title: 'Relay convert', description: 'Document conversion jobs.' },
    authenticate,
    readiness: [
      { name: 'postgres', check: database.ping },
      { name: 'redis', check: () => channelLayer.ping() },
      { name: 's3', check: () => storage.ping() },
    ],
  });
  await http.register(fastifyMultipart);
  const service = new ConversionsService({
    repository,
    storage,
    queue,
    channelLayer,
    downloadLinkSeconds: config.CONVERT_DOWNLOAD_LINK_SECONDS,
    maxPendingPerOwner: config.CONVERT_MAX_ACTIVE_PER_USER,
    passwords,
    logger,
  });
  registerConversionRoutes(http, {
    conversions: service,
    authenticate,
    maxUploadBytes: config.CONVERT_MAX_UPLOAD_BYTES,
    maxMergeFiles: config.CONVERT_MERGE_MAX_FILES,
  });

  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      { name: 'queue', close: () => queue.close() },
      { name: 'redis', close: () => channelLayer.close() },
      { name: 'passwords', close: closePasswords },
      { name: 'postgres', close: database.close },
      { name: 's3', close: async () => storage.close() },
    ],
  };
}
