import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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

  it('batched: holds one limit across processes, settling with Redis between decisions', async () => {
    const limit = { keyPrefix: `relay:rl:test-${randomUUID()}`, points: 10, durationSeconds: 10 };
    const [onA, onB] = clients.map((client) => RateLimiter.sharedBatched(client, limit, 20)) as [
      RateLimiter,
      RateLimiter,
    ];
    const first = await Promise.all(Array.from({ length: 6 }, () => onA.consume('user')));
    expect(first.every((decision) => decision.allowed)).toBe(true);
    // Longer than the settle interval: A's points are in Redis by now.
    await sleep(100);
    const second = await Promise.all(Array.from({ length: 6 }, () => onB.consume('user')));
    expect(second.map((decision) => decision.allowed)).toEqual([true, true, true, true, false, false]);
    const refused = second[5];
    expect(refused?.allowed === false && refused.retryAfterMs).toBeGreaterThan(8000);
    // A learns of B's points when it next settles its own (one more it admits in the meantime).
    expect((await onA.consume('user')).allowed).toBe(true);
    await sleep(100);
    expect((await onA.consume('user')).allowed).toBe(false);
  });

  it('batched: opens a new window once the old one is over', async () => {
    const limit = { keyPrefix: `relay:rl:test-${randomUUID()}`, points: 2, durationSeconds: 1 };
    const limiter = RateLimiter.sharedBatched(clients[0] as (typeof clients)[0], limit, 20);
    expect((await limiter.consume('user', 2)).allowed).toBe(true);
    expect((await limiter.consume('user')).allowed).toBe(false);
    await sleep(1100);
    expect((await limiter.consume('user')).allowed).toBe(true);
  });

  it('batched: keeps counting on its own while Redis is unreachable', async () => {
    const unreachable = createRedisClient('redis://127.0.0.1:1', {
      name: 'rate-test-down',
      maxRetriesPerRequest: 0,
    });
    unreachable.on('error', () => undefined);
    try {
      const limiter = RateLimiter.sharedBatched(unreachable, {
        keyPrefix: 'relay:rl:down',
        points: 3,
        durationSeconds: 10,
      });
      const decisions = [];
      for (let index = 0; index < 5; index += 1) decisions.push((await limiter.consume('user')).allowed);
      expect(decisions).toEqual([true, true, true, false, false]);
    } finally {
      unreachable.disconnect();
    }
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
