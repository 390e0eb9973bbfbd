import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { BatchedSharedLimit } from './batched-limit.ts';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimit {
  /** Names the limit's keys in Redis, e.g. `relay:rl:chat-send`. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

type Consume = (key: string, points: number) => Promise<RateDecision>;

/** A fixed-window limit per key: `points` per `durationSeconds`, the window opened by a key's first use. */
export class RateLimiter {
  readonly #consume: Consume;

  private constructor(limiter: RateLimiterAbstract | Consume) {
    this.#consume = typeof limiter === 'function' ? limiter : flexible(limiter);
  }

  /**
   * Shared by every process, without a Redis round trip per decision: each process counts its own
   * and settles with Redis every `settleMs` (see BatchedSharedLimit), so others may overshoot the
   * limit by what they admit in that time. For hot paths such as every chat message.
   */
  static sharedBatched(redis: Redis, limit: RateLimit, settleMs = 20): RateLimiter {
    const batched = new BatchedSharedLimit(redis, limit, settleMs);
    return new RateLimiter((key, points) => batched.consume(key, points));
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

  consume(key: string, points = 1): Promise<RateDecision> {
    return this.#consume(key, points);
  }
}

function flexible(limiter: RateLimiterAbstract): Consume {
  return async (key, points) => {
    try {
      await limiter.consume(key, points);
      return { allowed: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, retryAfterMs: rejection.msBeforeNext };
    }
  };
}
