import { RateLimiter, type RedisClient } from '@relay/redis';
import { consumeOrRefuse } from '../rate-limit.ts';

export interface AuthRateLimitSettings {
  perIpPerMinute: number;
  perAccountPerMinute: number;
  keyPrefix?: string;
}

/**
 * Limits each auth action per client IP and per e-mail address, in Redis so the limit holds
 * across gateway instances. If Redis is unreachable an in-memory limiter stands in.
 */
export class AuthRateLimiter {
  readonly #perIp: RateLimiter;
  readonly #perAccount: RateLimiter;

  constructor(redis: RedisClient, settings: AuthRateLimitSettings) {
    const make = (keyPrefix: string, points: number) =>
      RateLimiter.shared(redis, { keyPrefix, points, durationSeconds: 60 });
    const prefix = settings.keyPrefix ?? 'relay:rl:auth';
    this.#perIp = make(`${prefix}:ip`, settings.perIpPerMinute);
    this.#perAccount = make(`${prefix}:account`, settings.perAccountPerMinute);
  }

  async consume(action: string, ip: string, email: string | undefined): Promise<void> {
    await consumeOrRefuse(this.#perIp, `${action}:${ip}`, 'Too many attempts');
    if (email !== undefined)
      await consumeOrRefuse(this.#perAccount, `${action}:${email}`, 'Too many attempts');
  }
}
