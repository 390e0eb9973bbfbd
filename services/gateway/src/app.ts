import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { ChannelLayer } from '@relay/channel-layer';
import { createDatabase, migrateDatabase } from '@relay/database';
import { JobQueue, startJobWorker } from '@relay/jobs';
import { EventProducer } from '@relay/kafka';
import { Mailer } from '@relay/mailer';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import {
  createAuthenticate,
  createHttpApp,
  createMetrics,
  type HttpApp,
  type Logger,
  type ShutdownStep,
} from '@relay/platform';
import { bullmqConnection, createRedisClient, RateLimiter } from '@relay/redis';
import { ChatApiClient } from './chats/chat-api.client.ts';
import { ChatsRepository } from './chats/chats.repository.ts';
import { registerChatRoutes } from './chats/chats.routes.ts';
import { ChatsService } from './chats/chats.service.ts';
import type { GatewayConfig } from './config.ts';
import { registerConversionRoutes } from './conversions/conversions.routes.ts';
import { ConvertApiClient } from './conversions/convert-api.client.ts';
import { ActivityService } from './messages/activity.service.ts';
import { Rooms } from './messages/rooms.service.ts';
import { SendMessageService } from './messages/send-message.service.ts';
import * as schema from './schema.ts';
import { AccessTokenRevocations } from './users/access-token-revocations.ts';
import { AccessTokens, accessTokenOptions } from './users/access-tokens.service.ts';
import { AuthRateLimiter } from './users/auth.rate-limit.ts';
import { registerAuthRoutes } from './users/auth.routes.ts';
import { AuthService } from './users/auth.service.ts';
import { registerJwksRoute } from './users/jwks.routes.ts';
import { MailJobHandler, mailJobDefinition } from './users/mail.jobs.ts';
import { PhotoUploadRateLimiter } from './users/photo.rate-limit.ts';
import { PhotoLinks } from './users/photo-links.ts';
import { registerProfileRoutes } from './users/profile.routes.ts';
import { ProfileService } from './users/profile.service.ts';
import { UsersRepository } from './users/users.repository.ts';
import { registerWsRoutes } from './ws/ws.routes.ts';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface Gateway {
  http: HttpApp;
  /** In order: stop accepting, then the connections. */
  shutdownSteps: ShutdownStep[];
}

export interface GatewayWorker {
  /** /healthz, /readyz and /metrics, when GATEWAY_WORKER_PORT is set. */
  http: HttpApp | undefined;
  shutdownSteps: ShutdownStep[];
}

/** Applies the gateway's pending migrations; run by provisioning, never by the API on start. */
export async function migrateGateway(config: GatewayConfig): Promise<void> {
  await migrateDatabase(config.GATEWAY_DATABASE_URL, MIGRATIONS_FOLDER);
}

/** Wires the gateway API's adapters and routes; entry points only start what this builds. */
export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  const database = createDatabase(
    {
      url: config.GATEWAY_DATABASE_URL,
      onIdleError: (err) => logger.warn({ err }, 'an idle PostgreSQL connection was dropped'),
    },
    schema,
  );
  const redis = createRedisClient(config.REDIS_URL, { name: 'gateway' });
  const channelLayer = new ChannelLayer({
    redisUrl: config.REDIS_URL,
    prefix: config.CHANNEL_LAYER_PREFIX,
    logger,
    recentLimit: config.CHAT_RECENT_LIMIT,
    recentTtlSeconds: config.CHAT_RECENT_TTL_SECONDS,
  });
  const producer = new EventProducer({
    clientId: 'gateway',
    brokers: config.KAFKA_BROKERS,
    lingerMs: config.KAFKA_PRODUCER_LINGER_MS,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
  });
  const storage = new ObjectStorage(objectStorageOptions(config));
  const mailQueue = new JobQueue(mailJobDefinition, bullmqConnection(config.REDIS_URL), config.JOBS_PREFIX);
  const tokens = await AccessTokens.create(accessTokenOptions(config));
  const users = new UsersRepository(database.db);
  // Signature (cached) plus revocation (one Redis round trip): the one verifier of HTTP and WebSocket.
  const revocations = new AccessTokenRevocations(redis, logger, {
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const verify = revocations.guard(tokens.verify);
  const authenticate = createAuthenticate(verify);

  const http = await createHttpApp({
    name: 'gateway',
    version: '0.1.0',
    logger,
    openapi: { title: 'Relay gateway', description: 'Users, chats and conversions behind one API.' },
    authenticate,
    // The SPA is served from its own origin (:8080) and sends the refresh cookie along.
    corsOrigins: [config.PUBLIC_WEB_URL],
    readiness: [
      { name: 'postgres', check: database.ping },
      { name: 'redis', check: () => channelLayer.ping() },
      { name: 'kafka', check: () => producer.ping() },
      { name: 's3', check: () => storage.ping() },
    ],
  });
  await http.register(fastifyCookie);
  // Uploads are bounded per route (a photo and a document to convert differ); these hold for any other.
  await http.register(fastifyMultipart, { limits: { files: 1, fields: 5 } });

  const photoLinks = new PhotoLinks(storage, config.PHOTO_URL_TTL_SECONDS);
  const chatApi = new ChatApiClient({ baseUrl: config.CHAT_URL, timeoutMs: config.CHAT_API_TIMEOUT_MS });
  const chats = new ChatsService({
    repository: new ChatsRepository(database.db),
    producer,
    chatApi,
    logger,
    memberLookups: RateLimiter.shared(redis, {
      keyPrefix: 'relay:rl:member-lookups',
      points: config.CHAT_MEMBER_LOOKUPS_PER_HOUR,
      durationSeconds: 3600,
    }),
    photoLinks,
    channelLayer,
  });

  registerJwksRoute(http, tokens);
  registerAuthRoutes(http, {
    auth: new AuthService(users, mailQueue, tokens, revocations, {
      refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
      refreshReuseIntervalMs: config.REFRESH_TOKEN_REUSE_INTERVAL_MS,
      onLogin: (userId) => chats.joinInvitedChats(userId),
    }),
    rateLimiter: new AuthRateLimiter(redis, {
      perIpPerMinute: config.AUTH_RATE_LIMIT_PER_IP,
      perAccountPerMinute: config.AUTH_RATE_LIMIT_PER_ACCOUNT,
    }),
    cookieSecure: config.COOKIE_SECURE,
  });
  registerChatRoutes(http, { authenticate, chats, chatApi });
  registerConversionRoutes(http, {
    authenticate,
    convertApi: new ConvertApiClient({
      baseUrl: config.CONVERT_URL,
      timeoutMs: config.CONVERT_API_TIMEOUT_MS,
      uploadTimeoutMs: config.CONVERT_UPLOAD_TIMEOUT_MS,
    }),
    maxUploadBytes: config.CONVERT_MAX_UPLOAD_BYTES,
  });
  await registerWsRoutes(
    http,
    {
      rooms: new Rooms({
        channelLayer,
        chatApi,
        logger,
        replayMax: config.CHAT_REPLAY_MAX,
        historyReplaysPer10s: config.CHAT_HISTORY_REPLAYS_PER_10S,
      }),
      sendMessage: new SendMessageService({
        chats,
        producer,
        channelLayer,
        logger,
        // Averaged over 10 s, so a burst of up to 10× passes; settled with Redis in batches, as
        // a round trip per message would cost the send path half its throughput.
        rate: RateLimiter.sharedBatched(redis, {
          keyPrefix: 'relay:rl:chat-send',
          points: config.CHAT_SEND_RATE_PER_SECOND * 10,
          durationSeconds: 10,
        }),
      }),
      activity: new ActivityService(producer, channelLayer),
      chats,
      verify,
      logger,
      maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
      subscribeLimiter: RateLimiter.local({ points: config.WS_SUBSCRIBES_PER_10S, durationSeconds: 10 }),
      readReceiptIntervalMs: config.CHAT_READ_RECEIPT_INTERVAL_MS,
    },
    { heartbeatMs: config.WS_HEARTBEAT_MS },
  );
  registerProfileRoutes(http, {
    authenticate,
    profiles: new ProfileService(
      users,
      storage,
      new PhotoUploadRateLimiter(redis, { perUserPerHour: config.PHOTO_UPLOADS_PER_HOUR }),
      photoLinks,
    ),
    photoMaxBytes: config.PHOTO_MAX_BYTES,
  });

  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      { name: 'kafka', close: () => producer.close() },
      { name: 'mail-queue', close: () => mailQueue.close() },
      { name: 'redis', close: () => channelLayer.close() },
      { name: 'rate-limit-redis', close: async () => void (await redis.quit()) },
      { name: 'postgres', close: database.close },
      { name: 's3', close: async () => storage.close() },
    ],
  };
}

/** Wires gateway-worker: the background jobs (account e-mails) and, when asked, its ops server. */
export async function buildGatewayWorker(config: GatewayConfig, logger: Logger): Promise<GatewayWorker> {
  const database = createDatabase({ url: config.GATEWAY_DATABASE_URL, maxConnections: 4 }, schema);
  const mailer = new Mailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
  const handler = new MailJobHandler(new UsersRepository(database.db), mailer, {
    webUrl: config.PUBLIC_WEB_URL,
    activationTtlHours: config.ACTIVATION_TOKEN_TTL_HOURS,
    resetTtlMinutes: config.RESET_TOKEN_TTL_MINUTES,
  });
  const worker = startJobWorker(mailJobDefinition, handler.handle, {
    connection: bullmqConnection(config.REDIS_URL),
    prefix: config.JOBS_PREFIX,
    logger,
  });
  const redis =
    config.GATEWAY_WORKER_PORT === undefined
      ? undefined
      : createRedisClient(config.REDIS_URL, { name: 'gateway-worker-readiness' });
  // SMTP is left out of readiness: a mail job waits an SMTP outage out with its retries.
  const http =
    redis === undefined
      ? undefined
      : await createHttpApp({
          name: 'gateway-worker',
          version: '0.1.0',
          logger,
          metrics: createMetrics('gateway-worker'),
          readiness: [
            { name: 'postgres', check: database.ping },
            { name: 'redis', check: async () => void (await redis.ping()) },
            {
              name: 'mail-worker',
              check: async () => {
                if (!worker.isRunning()) throw new Error('the mail worker is not running');
              },
            },
          ],
        });
  return {
    http,
    shutdownSteps: [
      ...(http === undefined ? [] : [{ name: 'http', close: () => http.close() }]),
      // close() lets running jobs finish; unfinished ones return to the queue.
      { name: 'mail-worker', close: () => worker.close() },
      { name: 'smtp', close: async () => mailer.close() },
      { name: 'postgres', close: database.close },
      ...(redis === undefined ? [] : [{ name: 'redis', close: async () => void (await redis.quit()) }]),
    ],
  };
}
