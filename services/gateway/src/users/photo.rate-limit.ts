import { RateLimiter, type RedisClient } from '@relay/redis';
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
  readonly #perUser: RateLimiter;

  constructor(redis: RedisClient, settings: PhotoRateLimitSettings) {
    this.#perUser = RateLimiter.shared(redis, {
      keyPrefix: settings.keyPrefix ?? 'relay:rl:photo',
      points: settings.perUserPerHour,
      durationSeconds: 3600,
    });
  }

  async consume(userId: string): Promise<void> {
    await consumeOrRefuse(this.#perUser, userId, 'Too many photo uploads');
  }
}
