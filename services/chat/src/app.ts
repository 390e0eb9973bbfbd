import type { ChatServiceEvent } from '@relay/contracts';
import { type BatchConsumer, EventProducer } from '@relay/kafka';
import {
  createAuthenticate,
  createHttpApp,
  createJwtVerifier,
  createMetrics,
  type HttpApp,
  type Logger,
  type ShutdownStep,
} from '@relay/platform';
import type { ChatConfig } from './config.ts';
import { registerMembershipRoutes } from './memberships/memberships.routes.ts';
import { MembershipsService } from './memberships/memberships.service.ts';
import { createChatConsumer } from './messages/chat-events.consumer.ts';
import { chatConsumerMetrics } from './messages/chat-events.metrics.ts';
import { registerMessageRoutes } from './messages/messages.routes.ts';
import { MessagesService } from './messages/messages.service.ts';
import { openChatStore } from './store/open-store.ts';

export interface ChatService {
  http: HttpApp;
  shutdownSteps: ShutdownStep[];
}

export interface ChatConsumerProcess {
  consumer: BatchConsumer<ChatServiceEvent>;
  /** /healthz, /readyz and /metrics, when CHAT_CONSUMER_PORT is set. */
  http: HttpApp | undefined;
  shutdownSteps: ShutdownStep[];
}

/** Wires chat-api: the store, memberships and the history routes. */
export async function buildChatService(config: ChatConfig, logger: Logger): Promise<ChatService> {
  const store = await openChatStore(config, logger);
  const authenticate = createAuthenticate(
    createJwtVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      jwksUrl: config.GATEWAY_JWKS_URL,
    }),
  );
  const http = await createHttpApp({
    name: 'chat',
    version: '0.1.0',
    logger,
    openapi: { title: 'Relay chat', description: 'Chat history and unread counts.' },
    readiness: [{ name: config.CHAT_STORE, check: () => store.ping() }],
    authenticate,
  });
  const memberships = new MembershipsService(store);
  registerMessageRoutes(http, { messages: new MessagesService(store, memberships), authenticate });
  registerMembershipRoutes(http, { memberships, authenticate });
  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      { name: 'store', close: () => store.close() },
    ],
  };
}

/** Wires chat-consumer: the store, the dead-letter producer and the consumer-group loop. */
export async function buildChatConsumer(config: ChatConfig, logger: Logger): Promise<ChatConsumerProcess> {
  const store = await openChatStore(config, logger);
  const metrics = createMetrics('chat-consumer');
  const deadLetters = new EventProducer({
    clientId: 'chat-consumer-dlq',
    brokers: config.KAFKA_BROKERS,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
  });
  const consumer = createChatConsumer({
    brokers: config.KAFKA_BROKERS,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    groupId: config.CHAT_CONSUMER_GROUP,
    instanceId: config.CHAT_CONSUMER_INSTANCE_ID,
    batchSize: config.CHAT_CONSUMER_BATCH,
    fetch: { minBytes: config.CHAT_CONSUMER_FETCH_MIN_BYTES, maxWaitMs: config.CHAT_CONSUMER_FETCH_WAIT_MS },
    store,
    deadLetters,
    logger,
    metrics: chatConsumerMetrics(metrics),
  });
  const http =
    config.CHAT_CONSUMER_PORT === undefined
      ? undefined
      : await createHttpApp({
          name: 'chat-consumer',
          version: '0.1.0',
          logger,
          metrics,
          readiness: [
            { name: config.CHAT_STORE, check: () => store.ping() },
            { name: 'kafka', check: async () => consumer.assertConsuming() },
          ],
        });
  return {
    consumer,
    http,
    shutdownSteps: [
      ...(http === undefined ? [] : [{ name: 'http', close: () => http.close() }]),
      // Finish and commit the batch in hand before anything it needs closes.
      { name: 'consumer', close: () => consumer.stop() },
      { name: 'dead-letters', close: () => deadLetters.close() },
      { name: 'store', close: () => store.close() },
    ],
  };
}
