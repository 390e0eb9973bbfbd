import type { Redis } from 'ioredis';
import type { RateDecision, RateLimit } from './rate-limiter.ts';

/** Adds a process's uncounted points to the key's window (opened by the first add) and answers the total and time left. */
const SETTLE = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if total == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {total, redis.call('PTTL', KEYS[1])}`;

type SettlingRedis = Redis & {
  relayRateSettle(key: string, points: number, windowMs: number): Promise<[number, number]>;
};

interface Window {
  /** Points of every process, as of the last settle (ours included). */
  known: number;
  /** Points this process admitted since. */
  pending: number;
  resetAt: number;
  /** The first settle of the window: decisions wait for it, so they start from the global count. */
  opening: Promise<void> | undefined;
}

/**
 * A limit shared by every process, for hot paths: each process decides from its own count plus the
 * others' as of the last settle, and settles its new points with Redis every `settleMs` (one
 * pipelined script per key), never on the way of a decision except for a key's first use in a
 * window. The others can admit at most what they admit in one settle interval beyond the limit.
 * While Redis is unreachable the process keeps counting on its own.
 */
export class BatchedSharedLimit {
  readonly #redis: SettlingRedis;
  readonly #limit: RateLimit;
  readonly #windowMs: number;
  readonly #settleMs: number;
  readonly #windows = new Map<string, Window>();
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, limit: RateLimit, settleMs: number) {
    if (!('relayRateSettle' in redis))
      redis.defineCommand('relayRateSettle', { numberOfKeys: 1, lua: SETTLE });
    this.#redis = redis as SettlingRedis;
    this.#limit = limit;
    this.#windowMs = limit.durationSeconds * 1000;
    this.#settleMs = settleMs;
  }

  async consume(key: string, points: number): Promise<RateDecision> {
    let window = this.#windows.get(key);
    if (window !== undefined && Date.now() >= window.resetAt) {
      this.#windows.delete(key);
      window = undefined;
    }
    if (window === undefined) {
      window = { known: 0, pending: points, resetAt: Date.now() + this.#windowMs, opening: undefined };
      this.#windows.set(key, window);
      window.opening = this.#settle(key, window).catch(() => undefined);
      await window.opening;
      window.opening = undefined;
      return this.#decide(window, 0);
    }
    if (window.opening !== undefined) await window.opening;
    const decision = this.#decide(window, points);
    if (decision.allowed) {
      window.pending += points;
      this.#scheduleSettle();
    }
    return decision;
  }

  /** Settles what is pending now; for tests and shutdown. */
  async settleAll(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.#windows].map(([key, window]) => {
        if (now >= window.resetAt) this.#windows.delete(key);
        return window.pending > 0 ? this.#settle(key, window).catch(() => undefined) : undefined;
      }),
    );
  }

  #decide(window: Window, points: number): RateDecision {
    if (window.known + window.pending + points <= this.#limit.points) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, window.resetAt - Date.now()) };
  }

  async #settle(key: string, window: Window): Promise<void> {
    const points = window.pending;
    window.pending = 0;
    try {
      const [total, ttlMs] = await this.#redis.relayRateSettle(
        `${this.#limit.keyPrefix}:${key}`,
        points,
        this.#windowMs,
      );
      window.known = total;
      window.resetAt = Date.now() + (ttlMs > 0 ? ttlMs : this.#windowMs);
    } catch (error) {
      // Not counted in Redis: still counted here, and offered again at the next settle.
      window.pending += points;
      throw error;
    }
  }

  #scheduleSettle(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.settleAll().then(() => {
        if ([...this.#windows.values()].some((window) => window.pending > 0)) this.#scheduleSettle();
      });
    }, this.#settleMs);
    this.#timer.unref();
  }
}
