import { AppError, CommonErrorCode } from '@relay/platform';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/** Takes `points` (one by default) for `key`; a refusal becomes a 429 with Retry-After, saying what was too fast. */
export async function consumeOrRefuse(
  limiter: RateLimiterAbstract,
  key: string,
  what: string,
  points = 1,
): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError({
      code: CommonErrorCode.RateLimited,
      status: 429,
      title: 'Too Many Requests',
      detail: `${what}; try again in ${retryAfter} s.`,
      headers: { 'retry-after': String(retryAfter) },
    });
  }
}
