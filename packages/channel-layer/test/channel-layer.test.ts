import { randomUUID } from 'node:crypto';
import type { ChannelEvent } from '@relay/contracts';
import { createLogger } from '@relay/platform';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelLayer, comparePositions } from '../src/channel-layer.ts';

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
    let resubscribed = 0;
    b.onResubscribed(() => {
      resubscribed += 1;
    });
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
    expect(resubscribed).toBe(1);
  });

  it('records a send once per once-key, in the order subscribers hear it', async () => {
    const { a, b } = twoProcesses();
    const heard: { event: ChannelEvent; position: string | undefined }[] = [];
    await b.groupAdd('chat.r', (event, position) => heard.push({ event, position }));
    const first = conversionEvent('queued');
    const second = conversionEvent('done');
    const one = await a.groupSendRecorded('chat.r', first, 'send-1');
    const again = await a.groupSendRecorded('chat.r', second, 'send-1');
    const two = await a.groupSendRecorded('chat.r', second, 'send-2');
    expect(one.sent).toBe(true);
    expect(again).toEqual({ position: one.position, sent: false });
    expect(comparePositions(two.position, one.position)).toBe(1);
    await expect.poll(() => heard.length).toBe(2);
    expect(heard).toEqual([
      { event: first, position: one.position },
      { event: second, position: two.position },
    ]);

    expect(await a.positionOf('send-1')).toBe(one.position);
    expect(await a.latestPosition('chat.r')).toBe(two.position);
    expect(await a.recordedAt('chat.r', one.position)).toEqual(first);
    expect(await b.recordedSince('chat.r', one.position)).toEqual({
      events: [{ position: two.position, event: second }],
      complete: true,
    });
    expect((await b.recordedSince('chat.r', undefined)).events.map((entry) => entry.event)).toEqual([
      first,
      second,
    ]);
  });

  it('says a replay is incomplete once the stream was trimmed past the position', async () => {
    const prefix = `test-${randomUUID()}`;
    const small = new ChannelLayer({ redisUrl, logger, prefix, recentLimit: 1 });
    open.push(small);
    const oldest = await small.groupSendRecorded('chat.t', conversionEvent('queued'), 'a');
    // MAXLEN ~ trims whole stream nodes (100 entries by default), so send past one.
    for (let index = 0; index < 250; index += 1)
      await small.groupSendRecorded('chat.t', conversionEvent('done'), `b-${index}`);
    const replay = await small.recordedSince('chat.t', oldest.position);
    expect(replay.complete).toBe(false);
    expect(replay.events.length).toBeLessThan(250);
  });

  it('orders positions numerically', () => {
    expect(comparePositions('999-0', '1000-0')).toBe(-1);
    expect(comparePositions('1000-10', '1000-9')).toBe(1);
    expect(comparePositions('1000-1', '1000-1')).toBe(0);
    expect(comparePositions('1000-2', '1000-10')).toBe(-1);
    expect(comparePositions('1500-0', '1400-99')).toBe(1);
    expect(comparePositions('0-0', '1732540000000-0')).toBe(-1);
    expect(comparePositions('1732540000001-0', '1732540000000-5')).toBe(1);
  });

  it('tells resubscribed listeners before handing over any event published after the drop', async () => {
    const prefix = `test-${randomUUID()}`;
    const { b } = twoProcesses(prefix);
    const log: (number | 'resubscribed')[] = [];
    await b.groupAdd('chat.order', (event) => {
      if (event.type === 'chat.read') log.push(Number(event.messageId));
    });
    b.onResubscribed(() => log.push('resubscribed'));
    const admin = new Redis(redisUrl);
    const burst = new Redis(redisUrl);
    open.push({ close: () => admin.quit() }, { close: () => burst.quit() });
    // Dense pipelined bursts through the reconnect, so events land in the same read as the
    // SUBSCRIBE reply: where a listener could otherwise be handed one before it is told.
    const ids = { chatId: randomUUID(), userId: randomUUID() };
    let issued = 0;
    let publishing = true;
    let killIds: string[] = [];
    // The kill goes down the publishing connection, so Redis orders it among the publishes.
    let issuedBeforeKill: number | undefined;
    const publisher = (async () => {
      while (publishing) {
        const pipeline = burst.pipeline();
        for (let index = 0; index < 200; index += 1) {
          if (index === 100 && killIds.length > 0 && issuedBeforeKill === undefined) {
            issuedBeforeKill = issued;
            for (const id of killIds) pipeline.client('KILL', 'ID', id);
          }
          issued += 1;
          const event = { type: 'chat.read', ...ids, messageId: String(issued) };
          pipeline.publish(`${prefix}:group:chat.order`, JSON.stringify({ p: null, e: event }));
        }
        await pipeline.exec();
      }
    })();
    await expect.poll(() => log.length).toBeGreaterThan(5);
    const clients = String(await admin.client('LIST')).split('\n');
    killIds = clients
      .filter((line) => line.includes(`name=${prefix}-subscriber`))
      .map((line) => line.match(/id=(\d+)/)?.[1] ?? '');
    await expect.poll(() => log.includes('resubscribed'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => log.length - log.indexOf('resubscribed')).toBeGreaterThan(100);
    publishing = false;
    await publisher;

    // Anything published after the kill reached us on the new connection: after the listener.
    const beforeListener = log.slice(0, log.indexOf('resubscribed'));
    expect(issuedBeforeKill).toBeDefined();
    expect(beforeListener.filter((seq) => (seq as number) > (issuedBeforeKill ?? 0))).toEqual([]);
  });
});
