import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Conversion } from '@relay/contracts';
import {
  Balancer,
  Cluster,
  freePort,
  RecordingClient,
  ROOT,
  type ServiceProcess,
  type TestUser,
} from '@relay/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The scale-out on one machine: 2 gateways behind the real HAProxy (the config
// `./relay up --scale` writes), 2 chat-consumers sharing one PostgreSQL store, 2 convert-workers.
// Every client connects through the balancer's one URL; no count below depends on timing.

const schema = `scale_out_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
const FIXTURES = join(ROOT, 'services/convert/test/fixtures/formats');

let cluster: Cluster;
let balancer: Balancer;
let db: pg.Client | undefined;
let users: TestUser[];
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({
    gateways: 2,
    convert: true,
    chatStore: 'postgres',
    // Debug: each gateway logs every message it accepted ('message sent'), which says where a client is.
    env: { CHAT_DATABASE_SCHEMA: schema, LOG_LEVEL: 'debug', CONVERT_POOL_SIZE: '1' },
  });
  await cluster.startConsumer('chat-consumer-1');
  await cluster.startConvertWorker(await freePort());
  balancer = await Balancer.start(cluster.gatewayUrls);
  db = new pg.Client({ connectionString: process.env.CHAT_DATABASE_URL });
  await db.connect();
  users = await Promise.all(Array.from({ length: 8 }, (_, index) => cluster.user(`Scale ${index}`)));
}, 300_000);

afterAll(async () => {
  for (const client of clients) client.client.stop();
  await balancer?.stop();
  await cluster?.stop();
  await db?.query(`drop schema if exists ${schema} cascade`);
  await db?.end();
});

/** A client of `user` subscribed to `chatId`, connected through the balancer (and only it). */
async function throughBalancer(user: TestUser, chatId: string): Promise<RecordingClient> {
  const client = new RecordingClient(user, [balancer.url]);
  clients.push(client);
  await client.ready(chatId);
  return client;
}

/** The message ids gateway `index` accepted from its clients, from its log. */
function acceptedBy(index: number): Set<string> {
  const ids = new Set<string>();
  const gateway = cluster.gateways[index] as { process: ServiceProcess };
  for (const line of gateway.process.output().split('\n')) {
    if (line.includes('"message sent"')) ids.add((JSON.parse(line) as { messageId: string }).messageId);
  }
  return ids;
}

/** The gateways (by index) whose logs hold `messageId`: exactly one for a message sent once. */
function gatewaysOf(messageId: string): number[] {
  return [0, 1].filter((index) => acceptedBy(index).has(messageId));
}

/** The gateway of each acked message, once each is in exactly one gateway's log (lines land after the ack). */
async function placed(acks: { messageId: string }[]): Promise<number[]> {
  const where = () => acks.map((ack) => gatewaysOf(ack.messageId));
  await expect.poll(() => where().filter((found) => found.length !== 1).length, { timeout: 10_000 }).toBe(0);
  return where().map((found) => found[0] as number);
}

async function stored(chatIds: string[]): Promise<{ rows: number; distinct: number }> {
  const result = await (db as pg.Client).query<{ rows: number; distinct: number }>(
    `select count(*)::int as rows, count(distinct message_id)::int as distinct
       from ${schema}.messages where chat_id = any($1::uuid[])`,
    [chatIds],
  );
  return result.rows[0] ?? { rows: 0, distinct: 0 };
}

interface Pair {
  chatId: string;
  member: TestUser;
  a: RecordingClient;
  b: RecordingClient;
}

/** `count` chats of two members each, both members connected through the balancer. */
async function pairs(count: number): Promise<Pair[]> {
  const made: Pair[] = [];
  for (let index = 0; index < count; index += 1) {
    const [a, b] = [users[2 * index] as TestUser, users[2 * index + 1] as TestUser];
    const chatId = await cluster.createChat(a, [b]);
    made.push({
      chatId,
      member: a,
      a: await throughBalancer(a, chatId),
      b: await throughBalancer(b, chatId),
    });
  }
  return made;
}

/**
 * Every member of every pair sends until `stop` resolves (5 messages per member every 50 ms),
 * then waits for every ack. Returns the acked message ids by client.
 */
async function stream(all: Pair[], stop: Promise<void>) {
  const sends = new Map<RecordingClient, Promise<{ messageId: string }>[]>();
  for (const { a, b } of all) sends.set(a, []).set(b, []);
  let stopped = false;
  // Also when `stop` fails: the caller awaits it and sees why.
  void stop
    .catch(() => undefined)
    .finally(() => {
      stopped = true;
    });
  for (let round = 0; !stopped; round += 1) {
    for (const { chatId, a, b } of all) {
      for (const client of [a, b]) {
        for (let offset = 0; offset < 5; offset += 1) {
          sends.get(client)?.push(client.client.send(chatId, `stream ${round}.${offset}`));
        }
      }
    }
    await sleep(50);
  }
  const acked = new Map<RecordingClient, string[]>();
  for (const [client, pending] of sends) {
    acked.set(
      client,
      (await Promise.all(pending)).map((ack) => ack.messageId),
    );
  }
  return acked;
}

/** Exact delivery: each member heard every message the other acked, once; the store holds each once. */
async function expectExactlyOnce(all: Pair[], acked: Map<RecordingClient, string[]>) {
  const total = [...acked.values()].reduce((sum, ids) => sum + ids.length, 0);
  expect(new Set([...acked.values()].flat()).size).toBe(total);
  for (const { a, b } of all) {
    for (const [receiver, sender] of [
      [a, b],
      [b, a],
    ] as const) {
      const sent = acked.get(sender) ?? [];
      const from = new Set(sent);
      const heard = () => receiver.received.filter((message) => from.has(message.messageId));
      await expect.poll(() => heard().length, { timeout: 60_000 }).toBe(sent.length);
      expect(
        heard()
          .map((message) => message.messageId)
          .sort(),
      ).toEqual([...sent].sort());
      // A replay after a reconnect may repeat some on the wire (receiver.duplicates): the client drops them.
    }
  }
  await expect
    .poll(() => stored(all.map((pair) => pair.chatId)), { timeout: 120_000, interval: 500 })
    .toEqual({ rows: total, distinct: total });
  for (const { chatId, member, a, b } of all) {
    const history = await cluster.history(member, chatId);
    const expected = [...(acked.get(a) ?? []), ...(acked.get(b) ?? [])].sort();
    expect(history.map((message) => message.messageId).sort()).toEqual(expected);
  }
  return total;
}

/** The partitions a consumer was given at its last join, from its log. */
function partitionsOf(consumer: ServiceProcess): number[] {
  const joins = consumer
    .output()
    .split('\n')
    .filter((line) => line.includes('"consumer joined group"'));
  const last = joins.at(-1);
  return last === undefined ? [] : (JSON.parse(last) as { partitions: number[] }).partitions;
}

describe('scale-out on one machine behind HAProxy', () => {
  it('spreads clients over both gateways and a room spans them: each message reaches every other member once', async () => {
    const members = users.slice(0, 6);
    const [owner, ...others] = members as [TestUser, ...TestUser[]];
    const chatId = await cluster.createChat(owner, others);
    const room = [];
    for (const member of members) room.push(await throughBalancer(member, chatId));
    const acks = await Promise.all(room.map((client, index) => client.client.send(chatId, `hello ${index}`)));

    // Each gateway's log holds the messages of the clients HAProxy sent to it: every message on
    // exactly one gateway, and both gateways hold some.
    const placement = await placed(acks);
    expect(new Set(placement)).toEqual(new Set([0, 1]));
    // HAProxy's view: both gateways up, each given connections.
    const servers = await balancer.servers();
    expect(servers.map((server) => server.status.split(' ')[0])).toEqual(['UP', 'UP']);
    expect(servers.every((server) => server.total > 0)).toBe(true);

    for (const [index, client] of room.entries()) {
      const fromOthers = acks.filter((_, sender) => sender !== index).map((ack) => ack.messageId);
      await expect
        .poll(() => client.received.map((message) => message.messageId).sort(), { timeout: 30_000 })
        .toEqual([...fromOthers].sort());
      expect(client.duplicates).toEqual([]);
    }
    await expect.poll(() => stored([chatId]), { timeout: 60_000 }).toEqual({ rows: 6, distinct: 6 });
    for (const client of room) client.client.stop();
  });

  it('loses and doubles nothing while a third chat-consumer joins and one leaves mid-stream', async () => {
    const all = await pairs(4);
    const chatIds = all.map((pair) => pair.chatId);
    const [first, second] = cluster.consumers as [ServiceProcess, ServiceProcess];
    let third: ServiceProcess | undefined;
    const membershipChanges = (async () => {
      await expect
        .poll(() => stored(chatIds), { timeout: 60_000 })
        .not.toEqual({
          rows: 0,
          distinct: 0,
        });
      third = await cluster.startConsumer('chat-consumer-2');
      // The joiner really took partitions from the others.
      await expect
        .poll(() => partitionsOf(third as ServiceProcess).length, { timeout: 60_000 })
        .toBeGreaterThan(0);
      await first.stop(); // SIGTERM: finishes and commits its batch, leaves the group
      // The stream goes on until the two consumers left have stored rows after the leave, so both
      // changes struck mid-stream whatever the timing (once, the first consumer had stored
      // everything acked by the time it left, and the stream stopped right after).
      const rowsAtLeave = (await stored(chatIds)).rows;
      await expect
        .poll(async () => (await stored(chatIds)).rows, { timeout: 60_000 })
        .toBeGreaterThan(rowsAtLeave);
      return rowsAtLeave;
    })();
    const acked = await stream(
      all,
      membershipChanges.then(() => undefined),
    );
    const rowsAtLeave = await membershipChanges;
    const total = await expectExactlyOnce(all, acked);
    // Both changes struck mid-stream: rows were still to come after them.
    expect(rowsAtLeave).toBeLessThan(total);
    // The two consumers left hold every partition between them.
    await expect
      .poll(() => new Set([...partitionsOf(second), ...partitionsOf(third as ServiceProcess)]).size, {
        timeout: 60_000,
      })
      .toBe(Number(process.env.KAFKA_CHAT_PARTITIONS ?? 6));
    for (const { a, b } of all) {
      a.client.stop();
      b.client.stop();
    }
  });

  it('spreads conversions over both convert-workers, each done exactly once', async () => {
    const owner = users[0] as TestUser;
    const source = await readFile(join(FIXTURES, 'sample.docx'));
    const uploads = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        const form = new FormData();
        form.set('target', 'pdf');
        form.set('file', new Blob([new Uint8Array(source)]), `scale-${index}.docx`);
        const response = await fetch(`${balancer.url}/api/conversions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.accessToken}` },
          body: form,
        });
        expect(response.status).toBe(202);
        return ((await response.json()) as Conversion).id;
      }),
    );
    const status = async (id: string) => {
      const response = await fetch(`${balancer.url}/api/conversions/${id}`, {
        headers: { authorization: `Bearer ${owner.accessToken}` },
      });
      return ((await response.json()) as Conversion).status;
    };
    await expect
      .poll(() => Promise.all(uploads.map(status)), { timeout: 120_000, interval: 500 })
      .toEqual(uploads.map(() => 'done'));
    const doneBy = (worker: ServiceProcess) =>
      uploads.filter((id) =>
        worker
          .output()
          .split('\n')
          .some((line) => line.includes('"conversion done"') && line.includes(id)),
      );
    const [one, two] = cluster.convertWorkers as [ServiceProcess, ServiceProcess];
    expect([...doneBy(one), ...doneBy(two)].sort()).toEqual([...uploads].sort());
    expect(doneBy(one).length).toBeGreaterThan(0);
    expect(doneBy(two).length).toBeGreaterThan(0);
  });

  it('moves the clients of a stopped gateway to the other through the balancer, losing and doubling nothing', async () => {
    const all = await pairs(4);
    // Where each client is: the gateway that accepted its first message.
    const firsts = await Promise.all(
      all.flatMap(({ chatId, a, b }) => [a, b].map((client) => client.client.send(chatId, 'where am I'))),
    );
    const before = await placed(firsts);
    const onStopped = before.filter((gateway) => gateway === 1).length;
    expect(onStopped).toBeGreaterThan(0);
    expect(onStopped).toBeLessThan(before.length);

    const stopping = (async () => {
      await expect
        .poll(() => stored(all.map((pair) => pair.chatId)), { timeout: 60_000 })
        .not.toEqual({ rows: firsts.length, distinct: firsts.length });
      const rowsAtStop = (await stored(all.map((pair) => pair.chatId))).rows;
      // SIGTERM: it closes its sockets (1001, going away) and stops; each client reconnects to
      // the same balancer URL, which sends it to the gateway left.
      await (cluster.gateways[1] as { process: ServiceProcess }).process.stop();
      await expect
        .poll(async () => (await balancer.servers())[1]?.status, { timeout: 30_000 })
        .toMatch(/^DOWN/);
      return rowsAtStop;
    })();
    const acked = await stream(
      all,
      stopping.then(() => undefined),
    );
    const rowsAtStop = await stopping;
    // The first messages count too: each member heard the other's "where am I".
    all.forEach((pair, index) => {
      acked.get(pair.a)?.unshift(firsts[2 * index]?.messageId ?? '');
      acked.get(pair.b)?.unshift(firsts[2 * index + 1]?.messageId ?? '');
    });
    const total = await expectExactlyOnce(all, acked);
    expect(rowsAtStop).toBeLessThan(total);

    // Every client now sends through the gateway left, the moved ones included.
    const after = await Promise.all(
      all.flatMap(({ chatId, a, b }) => [a, b].map((client) => client.client.send(chatId, 'moved'))),
    );
    expect(await placed(after)).toEqual(after.map(() => 0));
  });
});
