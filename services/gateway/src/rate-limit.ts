import { CommonErrorCode, commonError } from '@relay/platform';
import type { RateLimiter } from '@relay/redis';

/** Takes `points` (one by default) for `key`; a refusal becomes a 429 with Retry-After, saying what was too fast. */
export async function consumeOrRefuse(
  limiter: RateLimiter,
  key: string,
  what: string,
  points = 1,
): Promise<void> {
  const decision = await limiter.consume(key, points);
  if (decision.allowed) return;
  const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw commonError(CommonErrorCode.RateLimited, {
    detail: `${what}; try again in ${retryAfter} s.`,
    headers: { 'retry-after': String(retryAfter) },
  });
}
