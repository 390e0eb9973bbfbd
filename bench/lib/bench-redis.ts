import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Each system under test keeps its keys in a Redis database of its own, emptied before it starts:
 * no run reads, trims or persists another's keys (a day of runs had left the shared database
 * 3 GiB of recent streams and once-keys, and Redis's rewrites of it ran in the middle of runs).
 */
export const BenchRedisDb = { relay: 4, centrifugo: 5 } as const;

/** The local Redis as host:port (no URL, so nothing in it can override the database). */
export function redisHostPort(): string {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return `${url.hostname}:${url.port || 6379}`;
}

export const redisUrlOf = (db: number) => `redis://${redisHostPort()}/${db}`;

export async function emptyRedisDb(db: number): Promise<void> {
  await promisify(execFile)('redis-cli', ['-u', redisUrlOf(db), 'flushdb']);
}
