import { randomUUID } from 'node:crypto';
import type { ChannelEvent } from '@relay/contracts';
import { createLogger } from '@relay/platform';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelLayer } from '../src/channel-layer.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ name: 'test', level: 'silent' });
const open: { close: () => Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((layer) => layer.close()));
});

/** Each test gets its own prefix, so parallel runs never hear each other. */
function twoProcesses(prefix = `test-${randomUUID()}`) {
  const a = new ChannelLayer({ redisUrl, logger, prefix });
  const b = new ChannelLayer({ redisUrl, logger, prefix });
  open.push(a, b);
  return { a, b };
}

const conversionEvent = (status: 'queued' | 'done'): ChannelEvent => ({
  type: 'conversion.status',
  status: { conversionId: randomUUID(), ownerId: randomUUID(), status, at: new Date().toISOString() },
});

function nextEvent(layer: ChannelLayer, group: string): Promise<ChannelEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event on ${group} within 5 s`)), 5000);
    const subscriber = (event: ChannelEvent) => {
      clearTimeout(timer);
      void layer.groupDiscard(group, subscriber);
      resolve(event);
    };
    layer.groupAdd(group, subscriber).catch(reject);
  });
}

describe('ChannelLayer on the real Redis', () => {
  it('delivers a group send from one process to a subscriber in another', async () => {
    const { a, b } = twoProcesses();
    const received = nextEvent(b, 'user.42');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const event = conversionEvent('done');
    expect(await a.groupSend('user.42', event)).toBe(1);
    expect(await received).toEqual(event);
  });

  it('delivers to every local subscriber and stops after groupDiscard', async () => {
    const { a, b } = twoProcesses();
    const first: ChannelEvent[] = [];
    const second: ChannelEvent[] = [];
    const onFirst = (event: ChannelEvent) => first.push(event);
    const onSecond = (event: ChannelEvent) => second.push(event);
    await b.groupAdd('chat.1', onFirst);
    await b.groupAdd('chat.1', onSecond);
    await a.groupSend('chat.1', conversionEvent('queued'));
    await expect.poll(() => first.length + second.length).toBe(2);

    await b.groupDiscard('chat.1', onFirst);
    await a.groupSend('chat.1', conversionEvent('done'));
    await expect.poll(() => second.length).toBe(2);
    expect(first).toHaveLength(1);

    await b.groupDiscard('chat.1', onSecond);
    expect(await a.groupSend('chat.1', conversionEvent('done'))).toBe(0);
  });

  it('rejects an event that does not match the contract before it reaches Redis', async () => {
    const { a } = twoProcesses();
    const invalid = { type: 'conversion.status', status: { status: 'exploded' } } as unknown as ChannelEvent;
    await expect(a.groupSend('user.1', invalid)).rejects.toThrow();
  });

  it('drops malformed payloads published by others and keeps delivering', async () => {
    const layerPrefix = `test-${randomUUID()}`;
    const { a: sender, b: listener } = twoProcesses(layerPrefix);
    const raw = new Redis(redisUrl);
    open.push({ close: () => raw.quit() });
    const received: ChannelEvent[] = [];
    await listener.groupAdd('user.7', (event) => received.push(event));
    await raw.publish(`${layerPrefix}:group:user.7`, '{not json');
    await raw.publish(`${layerPrefix}:group:user.7`, JSON.stringify({ type: 'unknown' }));
    const good = conversionEvent('done');
    await sender.groupSend('user.7', good);
    await expect.poll(() => received).toEqual([good]);
  });

  it('resubscribes after its Redis connection is dropped', async () => {
    const prefix = `test-${randomUUID()}`;
    const { a, b } = twoProcesses(prefix);
    const received: ChannelEvent[] = [];
    await b.groupAdd('user.9', (event) => received.push(event));
    const admin = new Redis(redisUrl);
    open.push({ close: () => admin.quit() });
    // Kill only this test's subscriber connections (both layers share the name).
    const clients = String(await admin.client('LIST')).split('\n');
    const ids = clients
      .filter((line) => line.includes(`name=${prefix}-subscriber`))
      .map((line) => line.match(/id=(\d+)/)?.[1]);
    expect(ids.length).toBe(2);
    for (const id of ids) await admin.client('KILL', 'ID', String(id));

    // The subscriber reconnects and resubscribes on its own; keep sending until it hears again.
    const event = conversionEvent('done');
    await expect
      .poll(
        async () => {
          await a.groupSend('user.9', event);
          return received.length;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBeGreaterThan(0);
    expect(received[0]).toEqual(event);
  });
});
