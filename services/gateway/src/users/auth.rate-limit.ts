import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
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
  readonly #perIp: RateLimiterRedis;
  readonly #perAccount: RateLimiterRedis;

  constructor(redis: Redis, settings: AuthRateLimitSettings) {
    const make = (keyPrefix: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
      });
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
