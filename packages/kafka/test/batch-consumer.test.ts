import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '@platformatic/kafka';
import { createLogger } from '@relay/platform';
import { committedOffsets, endOffsets, kafkaBrokers, produceRaw, readKey } from '@relay/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchConsumer,
  type BatchConsumerMetrics,
  type BatchHandler,
  Rejected,
} from '../src/batch-consumer.ts';
import { EventProducer } from '../src/producer.ts';

/**
 * The adapter with a tiny handler that keeps events in memory, against the real broker, each case
 * on topics of its own: a new group really starts at the first record, committed offsets can be
 * compared with the topic's end, and the topic can be taken away under the consumer.
 */
const brokers = kafkaBrokers();
const admin = new Admin({ clientId: 'batch-consumer-test', bootstrapBrokers: brokers });
const producer = new EventProducer({ clientId: 'batch-consumer-test', brokers });
const topics = new Set<string>();
const consumers: BatchConsumer<TestEvent>[] = [];

afterAll(async () => {
  for (const consumer of consumers) await consumer.stop();
  await producer.close();
  if (topics.size > 0) await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  await admin.close();
});

interface TestEvent {
  key: string;
  body: string;
  correlationId: string;
}

/** Creates the topic; right after a delete the broker may still refuse, so it retries. */
async function createTopic(name: string, partitions = 2): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.createTopics({ topics: [name], partitions, replicas: 1 });
      topics.add(name);
      return;
    } catch (error) {
      if (attempt >= 40) throw error;
      await sleep(250);
    }
  }
}

/**
 * An in-memory store of bodies: `down` makes every call fail as an unreachable store would, a body
 * in `refused` makes any call holding it a rejection (and applies nothing of that call).
 */
function memoryHandler() {
  const handled: TestEvent[] = [];
  const state = {
    down: false,
    calls: 0,
    refused: new Set<string>(),
    /** While set, each call waits for it before it handles anything. */
    gate: undefined as Promise<void> | undefined,
  };
  const handler: BatchHandler<TestEvent> = {
    decode(record) {
      try {
        return { ok: true, event: JSON.parse(record.value) as TestEvent };
      } catch {
        return { ok: false, reason: 'not JSON' };
      }
    },
    async handle(events) {
      state.calls += 1;
      await state.gate;
      if (state.down) throw new Error('connection refused');
      const bad = events.find((event) => state.refused.has(event.body));
      if (bad !== undefined) throw new Rejected(`refused: ${bad.body}`);
      handled.push(...events);
    },
    correlationId: (event) => event.correlationId,
  };
  const bodies = (key: string) => handled.filter((event) => event.key === key).map((event) => event.body);
  return { handler, state, bodies };
}

function countingMetrics() {
  const counts = { consumed: 0, handled: 0, deadLettered: 0, retried: 0, rejoined: 0, timed: 0 };
  const metrics: BatchConsumerMetrics = {
    consumed: (records) => {
      counts.consumed += records;
    },
    handled: (events) => {
      counts.handled += events;
    },
    deadLettered: (records) => {
      counts.deadLettered += records;
    },
    retried: () => {
      counts.retried += 1;
    },
    rejoined: () => {
      counts.rejoined += 1;
    },
    handling: () => () => {
      counts.timed += 1;
    },
  };
  return { counts, metrics };
}

/** The logger's lines, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'batch-consumer-test', level: 'debug', destination }) };
}

async function setUp(options: { batchSize?: number; groupInstanceId?: string } = {}) {
  const topic = `batch-consumer.test-${randomUUID()}`;
  const deadLetterTopic = `${topic}.dlq`;
  await createTopic(topic);
  await createTopic(deadLetterTopic, 1);
  const groupId = `batch-consumer-test-${randomUUID()}`;
  const memory = memoryHandler();
  const { counts, metrics } = countingMetrics();
  const { lines, logger } = capturedLogger();
  const consumer = new BatchConsumer<TestEvent>({
    brokers,
    clientId: 'batch-consumer-test',
    groupId,
    topic,
    groupInstanceId: options.groupInstanceId,
    batchSize: options.batchSize ?? 50,
    handler: memory.handler,
    deadLetters: { producer, topic: deadLetterTopic },
    logger,
    metrics,
  });
  consumers.push(consumer);
  const publish = (key: string, bodies: string[], correlationId = 'batch-test') =>
    producer.publish(bodies.map((body) => ({ topic, key, value: { key, body, correlationId } })));
  const deadLetters = async (key: string, count: number) =>
    (await readKey({ brokers, topic: deadLetterTopic, groupId: `dlq-${randomUUID()}`, key, count })).map(
      (record) => JSON.parse(record.value) as { reason: string; value: string; source: unknown },
    );
  const committed = () => committedOffsets(brokers, groupId, topic);
  const ends = () => endOffsets(brokers, topic);
  return { topic, consumer, publish, deadLetters, committed, ends, counts, lines, ...memory };
}

const bodies = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe('BatchConsumer', () => {
  it('starts a new group at the first record, keeps each key in order, commits everything when stopped', async () => {
    const { consumer, publish, bodies: handled, committed, ends, counts } = await setUp();
    const [a, b] = [randomUUID(), randomUUID()];
    // Produced before the group exists: a group without offsets must not skip them.
    await publish(a, bodies('a', 120));
    await publish(b, bodies('b', 80));
    await consumer.start();
    await expect.poll(() => handled(a), { timeout: 20_000 }).toEqual(bodies('a', 120));
    await expect.poll(() => handled(b), { timeout: 20_000 }).toEqual(bodies('b', 80));
    await consumer.stop();
    expect(await committed()).toEqual(await ends());
    expect(counts).toMatchObject({ consumed: 200, handled: 200, deadLettered: 0, retried: 0 });
  });

  it('finishes and commits the batch in hand when stopped during it', async () => {
    const { consumer, publish, bodies: handled, state, committed, ends } = await setUp();
    const key = randomUUID();
    let open = () => {};
    state.gate = new Promise((resolve) => {
      open = resolve;
    });
    // Produced before the start, so the first fetch holds them all: one batch.
    await publish(key, bodies('m', 20));
    await consumer.start();
    await expect.poll(() => state.calls, { timeout: 20_000 }).toBe(1);
    const stopped = consumer.stop();
    await sleep(200);
    expect(handled(key)).toEqual([]);
    open();
    await stopped;
    expect(handled(key)).toEqual(bodies('m', 20));
    expect(await committed()).toEqual(await ends());
  });

  it('dead-letters a record that does not decode, with the reason, and goes on', async () => {
    const { topic, consumer, publish, bodies: handled, deadLetters, counts } = await setUp();
    const key = randomUUID();
    await consumer.start();
    await produceRaw(brokers, topic, [{ key, value: '{oops' }]);
    await publish(key, ['after']);
    await expect.poll(() => handled(key), { timeout: 20_000 }).toEqual(['after']);
    expect(await deadLetters(key, 1)).toEqual([
      expect.objectContaining({
        reason: 'not JSON',
        value: '{oops',
        source: expect.objectContaining({ topic }),
      }),
    ]);
    expect(counts.deadLettered).toBe(1);
  });

  it('retries a batch it rejects whole 3 times, then handles the rest in order and dead-letters the refused one', async () => {
    const {
      topic,
      consumer,
      publish,
      bodies: handled,
      deadLetters,
      state,
      committed,
      ends,
      lines,
    } = await setUp();
    const key = randomUUID();
    state.refused.add('bad');
    await publish(key, ['one', 'two', 'bad', 'three', 'four'], 'corr-refused');
    await consumer.start();
    await expect.poll(() => handled(key), { timeout: 20_000 }).toEqual(['one', 'two', 'three', 'four']);
    const [letter] = await deadLetters(key, 1);
    expect(letter).toMatchObject({ reason: 'refused: bad', source: { topic } });
    expect(JSON.parse(letter?.value ?? '{}')).toMatchObject({ body: 'bad' });
    await expect.poll(committed, { timeout: 10_000 }).toEqual(await ends());
    // Three whole tries, then isolation starting with the whole batch once more.
    expect(state.calls).toBeGreaterThan(4);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'poison record sent to the dead-letter topic',
        correlationId: 'corr-refused',
        reason: 'refused: bad',
      }),
    );
  });

  it('retries an outage for as long as it lasts, committing and dead-lettering nothing until it ends', {
    timeout: 60_000,
  }, async () => {
    const { consumer, publish, bodies: handled, state, committed, ends, counts } = await setUp();
    const key = randomUUID();
    await consumer.start();
    await publish(key, bodies('m', 10));
    await expect.poll(() => handled(key), { timeout: 20_000 }).toEqual(bodies('m', 10));
    await expect.poll(committed, { timeout: 10_000 }).toEqual(await ends());
    const before = await committed();

    state.down = true;
    await publish(key, bodies('n', 30));
    // More failed attempts than a rejected batch gets before it is split: an outage is never a rejection.
    await expect.poll(() => counts.retried, { timeout: 20_000 }).toBeGreaterThan(5);
    expect(await committed()).toEqual(before);
    expect(counts.deadLettered).toBe(0);
    state.down = false;

    await expect
      .poll(() => handled(key), { timeout: 20_000 })
      .toEqual([...bodies('m', 10), ...bodies('n', 30)]);
    await expect.poll(committed, { timeout: 10_000 }).toEqual(await ends());
    expect(counts.deadLettered).toBe(0);
  });

  it('joins the group again when the client gives its stream up, and goes on consuming', async () => {
    const {
      topic,
      consumer,
      publish,
      bodies: handled,
      counts,
    } = await setUp({
      groupInstanceId: `instance-${randomUUID()}`,
    });
    const key = randomUUID();
    await consumer.start();
    expect(() => consumer.assertConsuming()).not.toThrow();
    await publish(key, bodies('m', 10));
    await expect.poll(() => handled(key), { timeout: 20_000 }).toEqual(bodies('m', 10));

    // Fetches fail until the client's retries run out and it destroys the stream.
    await admin.deleteTopics({ topics: [topic] });
    await expect.poll(() => counts.rejoined, { timeout: 30_000 }).toBeGreaterThan(0);
    await createTopic(topic);
    await publish(key, bodies('later', 20));
    await expect
      .poll(() => handled(key), { timeout: 30_000 })
      .toEqual([...bodies('m', 10), ...bodies('later', 20)]);
    expect(() => consumer.assertConsuming()).not.toThrow();
  });

  it("logs each handled record in its event's correlation scope", async () => {
    const { consumer, publish, bodies: handled, lines } = await setUp();
    const key = randomUUID();
    await consumer.start();
    await publish(key, ['x'], 'corr-first');
    await publish(key, ['y'], 'corr-second');
    await expect.poll(() => handled(key), { timeout: 20_000 }).toEqual(['x', 'y']);
    const handledLines = () =>
      lines
        .filter((line) => line.msg === 'record handled' && line.key === key)
        .map((line) => line.correlationId);
    await expect.poll(handledLines, { timeout: 5000 }).toEqual(['corr-first', 'corr-second']);
  });
});
