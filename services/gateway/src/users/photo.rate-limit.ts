import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../rate-limit.ts';

export interface PhotoRateLimitSettings {
  perUserPerHour: number;
  keyPrefix?: string;
}

/**
 * Photo uploads per user: each costs a full decode and three encodes, so a signed-in client could
 * otherwise keep a core busy. In Redis so the limit holds across gateway instances; if Redis is
 * unreachable an in-memory limiter stands in.
 */
export class PhotoUploadRateLimiter {
  readonly #perUser: RateLimiterRedis;

  constructor(redis: Redis, settings: PhotoRateLimitSettings) {
    const keyPrefix = settings.keyPrefix ?? 'relay:rl:photo';
    const limits = { keyPrefix, points: settings.perUserPerHour, duration: 3600 };
    this.#perUser = new RateLimiterRedis({
      storeClient: redis,
      ...limits,
      insuranceLimiter: new RateLimiterMemory(limits),
    });
  }

  async consume(userId: string): Promise<void> {
    await consumeOrRefuse(this.#perUser, userId, 'Too many photo uploads');
  }
}
