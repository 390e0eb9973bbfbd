import { AppError, CommonErrorCode } from '@relay/platform';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

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
    try {
      await this.#perIp.consume(`${action}:${ip}`);
      if (email !== undefined) await this.#perAccount.consume(`${action}:${email}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError({
        code: CommonErrorCode.RateLimited,
        status: 429,
        title: 'Too Many Requests',
        detail: `Too many attempts; try again in ${retryAfter} s.`,
        headers: { 'retry-after': String(retryAfter) },
      });
    }
  }
}
