import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthRateLimiter } from '../src/users/auth.rate-limit.ts';
import { call, startGateway, testConfig, uniqueEmail } from './helpers.ts';

const redis = new Redis(testConfig().REDIS_URL);
const closers: (() => Promise<unknown>)[] = [() => redis.quit()];
afterAll(async () => {
  for (const close of closers) await close();
});

describe('auth rate limits', () => {
  it('answers 429 with Retry-After once an account exceeds its login attempts', async () => {
    const gateway = await startGateway({ AUTH_RATE_LIMIT_PER_ACCOUNT: '3' });
    closers.push(gateway.close);
    const email = uniqueEmail();
    const attempt = () =>
      call(gateway.baseUrl, 'POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await attempt();
    expect(limited.json.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same IP is not affected.
    const other = await call(gateway.baseUrl, 'POST', '/api/auth/login', {
      body: { email: uniqueEmail(), password: 'wrong password' },
    });
    expect(other.status).toBe(401);
  });

  it('limits per client IP across accounts, in Redis shared by every instance', async () => {
    const settings = { perIpPerMinute: 2, perAccountPerMinute: 100, keyPrefix: `test-rl-${randomUUID()}` };
    const instanceA = new AuthRateLimiter(redis, settings);
    const instanceB = new AuthRateLimiter(redis, settings);
    await instanceA.consume('signup', '10.0.0.1', uniqueEmail());
    await instanceB.consume('signup', '10.0.0.1', uniqueEmail());
    await expect(instanceA.consume('signup', '10.0.0.1', uniqueEmail())).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
    await expect(instanceA.consume('signup', '10.0.0.2', uniqueEmail())).resolves.toBeUndefined();
    await expect(instanceA.consume('login', '10.0.0.1', uniqueEmail())).resolves.toBeUndefined();
  });
});
