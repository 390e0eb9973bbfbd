import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimit {
  /** Names the limit's keys in Redis, e.g. `relay:rl:chat-send`. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** A fixed-window limit per key: `points` per `durationSeconds`. */
export class RateLimiter {
  readonly #limiter: RateLimiterAbstract;

  private constructor(limiter: RateLimiterAbstract) {
    this.#limiter = limiter;
  }

  /** Shared by every process through Redis; an in-memory limiter stands in while Redis is unreachable. */
  static shared(redis: Redis, limit: RateLimit): RateLimiter {
    const { keyPrefix, points, durationSeconds: duration } = limit;
    return new RateLimiter(
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      }),
    );
  }

  /** This process only: for keys that live in one process, such as a WebSocket connection's id. */
  static local(limit: Omit<RateLimit, 'keyPrefix'>): RateLimiter {
    return new RateLimiter(new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds }));
  }

  async consume(key: string, points = 1): Promise<RateDecision> {
    try {
      await this.#limiter.consume(key, points);
      return { allowed: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, retryAfterMs: rejection.msBeforeNext };
    }
  }
}
