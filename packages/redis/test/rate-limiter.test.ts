import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient, RateLimiter } from '../src/index.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients = [
  createRedisClient(url, { name: 'rate-test-a' }),
  createRedisClient(url, { name: 'rate-test-b' }),
];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
});

describe('RateLimiter', () => {
  it('holds one limit across processes when shared through Redis', async () => {
    const limit = { keyPrefix: `relay:rl:test-${randomUUID()}`, points: 3, durationSeconds: 10 };
    // Two limiters on two connections stand for two gateway processes.
    const [onA, onB] = clients.map((client) => RateLimiter.shared(client, limit)) as [
      RateLimiter,
      RateLimiter,
    ];
    const decisions = [await onA.consume('user'), await onB.consume('user'), await onA.consume('user')];
    expect(decisions).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    const refused = await onB.consume('user');
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(0);
    expect(await onB.consume('someone else')).toEqual({ allowed: true });
  });

  it('takes several points at once, and keeps local limits to one process', async () => {
    const local = RateLimiter.local({ points: 5, durationSeconds: 10 });
    expect(await local.consume('connection', 5)).toEqual({ allowed: true });
    expect((await local.consume('connection')).allowed).toBe(false);
    expect(await RateLimiter.local({ points: 5, durationSeconds: 10 }).consume('connection')).toEqual({
      allowed: true,
    });
  });
});
