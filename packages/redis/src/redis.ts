import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

export type { Redis as RedisClient } from 'ioredis';

export const redisEnv = {
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
};

export interface RedisClientOptions {
  /** Shows in CLIENT LIST, which is how operators (and tests) find a connection. */
  name: string;
  /** Commands are retried this often across a reconnect; null waits for Redis indefinitely (subscribers, blocking reads). */
  maxRetriesPerRequest?: number | null;
  /** Resubscribing after a reconnect; off where the caller resubscribes itself. */
  autoResubscribe?: boolean;
}

/** A client with Relay's defaults: named, commands of one tick pipelined together. */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    enableAutoPipelining: true,
  };
  if (options.autoResubscribe !== undefined) redisOptions.autoResubscribe = options.autoResubscribe;
  return new Redis(url, redisOptions);
}

/** BullMQ makes its own connections from these; its blocking commands must wait Redis out rather than fail. */
export function bullmqConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}
