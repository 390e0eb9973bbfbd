import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SHUTDOWN_TIMEOUT_MS } from '@relay/platform';
import {
  Cluster,
  chatRows,
  type RecordingClient,
  ROOT,
  type ServiceProcess,
  stopGracefully,
  type TestUser,
} from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

const run = promisify(execFile);
const PER_SENDER = 2500;

let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  cluster = await Cluster.start({ gateways: 2, env: { LOG_LEVEL: 'info' } });
  [alice, bob] = await Promise.all([cluster.user('Alice'), cluster.user('Bob')]);
});
afterAll(async () => {
  await cluster?.stop();
});

/** The bodies `from` sent (`a 0`, `a 1`…) that `client` has not received: a failure names them. */
function missing(client: RecordingClient, from: 'a' | 'b'): string[] {
  const got = new Set(client.received.map((message) => message.body));
  return Array.from({ length: PER_SENDER }, (_, index) => `${from} ${index}`).filter(
    (body) => !got.has(body),
  );
}

/** Stops and starts one piece of the local infrastructure, as an operator would. */
async function restartInfra(piece: 'kafka' | 'redis'): Promise<void> {
  const stack = join(ROOT, 'infra/local/stack.sh');
  await run('bash', [stack, 'down', piece], { env: process.env });
  await run('bash', [stack, 'up', piece], { env: process.env, timeout: 120_000 });
}

/**
 * Alice (on gateway 0, falling back to 1) and Bob (on 1, falling back to 0) each send
 * PER_SENDER messages, paced at about 1,000/s each; `fault` strikes once a fifth are acked.
 * Then: every send acked, every row stored exactly once, every message received by the other.
 */
async function faultRun(annotate: TestContext['annotate'], fault: (chatId: string) => Promise<void>) {
  const { chatId, onA, onB } = await cluster.pairInChat(alice, bob, { failover: true });

  const sends: Promise<{ messageId: string }>[] = [];
  const sending = (async () => {
    for (let index = 0; index < PER_SENDER; index += 50) {
      for (let offset = index; offset < index + 50; offset += 1) {
        sends.push(onA.client.send(chatId, `a ${offset}`), onB.client.send(chatId, `b ${offset}`));
      }
      await sleep(50);
    }
  })();
  await expect.poll(() => onA.acks.size + onB.acks.size, { timeout: 60_000 }).toBeGreaterThan(PER_SENDER / 5);
  const startedAt = performance.now();
  const ackedBeforeFault = onA.acks.size + onB.acks.size;
  const rowsBeforeFault = chatRows(cluster.sqlitePath, chatId).rows;
  // The fault must strike mid-stream, or the run proves nothing.
  expect(ackedBeforeFault).toBeLessThan(2 * PER_SENDER);
  expect(rowsBeforeFault).toBeLessThan(2 * PER_SENDER);
  await fault(chatId);
  await sending;
  const acks = await Promise.all(sends);

  expect(acks).toHaveLength(2 * PER_SENDER);
  expect(new Set(acks.map((ack) => ack.messageId)).size).toBe(2 * PER_SENDER);
  await expect
    .poll(() => chatRows(cluster.sqlitePath, chatId), { timeout: 120_000, interval: 500 })
    .toEqual({ rows: 2 * PER_SENDER, distinct: 2 * PER_SENDER });
  await expect.poll(() => missing(onA, 'b'), { timeout: 60_000 }).toEqual([]);
  await expect.poll(() => missing(onB, 'a'), { timeout: 60_000 }).toEqual([]);
  expect(onA.received).toHaveLength(PER_SENDER);
  expect(onB.received).toHaveLength(PER_SENDER);
  const history = await cluster.history(alice, chatId);
  expect(history.map((message) => message.messageId).sort()).toEqual(acks.map((ack) => ack.messageId).sort());
  onA.client.stop();
  onB.client.stop();
  const stats = {
    ackedBeforeFault,
    rowsBeforeFault,
    recoveredInMs: Math.round(performance.now() - startedAt),
    transientErrors: onA.errors.length + onB.errors.length,
    duplicatesDroppedByClients: onA.duplicates.length + onB.duplicates.length,
  };
  // The run's figures go to the reporter with the test, not to the console.
  await annotate(JSON.stringify(stats), 'fault-run');
  return stats;
}

describe('chat under faults: nothing lost, nothing doubled', () => {
  it('survives kill -9 of chat-consumer mid-stream', async ({ annotate }) => {
    await faultRun(annotate, async (chatId) => {
      // Once it is writing this chat's rows (not still reading older runs' backlog).
      await expect
        .poll(() => chatRows(cluster.sqlitePath, chatId).rows, { timeout: 30_000, interval: 10 })
        .toBeGreaterThan(0);
      await cluster.consumer.kill('SIGKILL');
      expect(chatRows(cluster.sqlitePath, chatId).rows).toBeLessThan(2 * PER_SENDER);
      await sleep(1000);
      await cluster.startConsumer();
    });
  });

  it('survives a restart of the Kafka broker', async ({ annotate }) => {
    await faultRun(annotate, () => restartInfra('kafka'));
  });

  it('survives a restart of Redis', async ({ annotate }) => {
    await faultRun(annotate, () => restartInfra('redis'));
  });

  it('survives a gateway dying while its clients move to the other and resend', async ({ annotate }) => {
    await faultRun(annotate, () => cluster.restartGateway(1, 'SIGKILL'));
  });
});

describe('chat stopped with SIGTERM under load: nothing lost, nothing doubled', () => {
  it('a gateway drains and exits; its clients move to the other and resend', async ({ annotate }) => {
    await faultRun(annotate, async () => {
      await stopGracefully(cluster.gateways[1]?.process as ServiceProcess, SHUTDOWN_TIMEOUT_MS);
      await cluster.restartGateway(1);
    });
  });

  it('chat-consumer commits what it applied and exits; the next one goes on from there', async ({
    annotate,
  }) => {
    await faultRun(annotate, async (chatId) => {
      await expect
        .poll(() => chatRows(cluster.sqlitePath, chatId).rows, { timeout: 30_000, interval: 10 })
        .toBeGreaterThan(0);
      await stopGracefully(cluster.consumer, SHUTDOWN_TIMEOUT_MS);
      expect(chatRows(cluster.sqlitePath, chatId).rows).toBeLessThan(2 * PER_SENDER);
      await cluster.startConsumer();
    });
  });

  // Last in this file: chat-api stays down after it.
  it('chat-api answers the history reads in flight and exits; later ones get a 503 to retry, never a 5xx of another kind', async () => {
    const { chatId, onA, onB } = await cluster.pairInChat(alice, bob);
    await Promise.all(Array.from({ length: 20 }, (_, index) => onA.client.send(chatId, `h ${index}`)));
    onA.client.stop();
    onB.client.stop();
    // Acked means in Kafka; wait until chat-consumer has stored all 20, so every read can see them.
    await expect.poll(() => chatRows(cluster.sqlitePath, chatId).rows, { timeout: 30_000 }).toBe(20);
    const read = () =>
      fetch(`${cluster.gatewayUrls[0]}/api/chats/${chatId}/messages?limit=200`, {
        headers: { authorization: `Bearer ${alice.accessToken}` },
      }).then(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        messages:
          response.status === 200 ? ((await response.json()) as { messages: unknown[] }).messages.length : 0,
      }));
    // Reads keep coming while chat-api stops: each one is answered, none is cut off.
    const answers: Promise<Awaited<ReturnType<typeof read>>>[] = [];
    const reading = (async () => {
      for (let round = 0; round < 40; round += 1) {
        answers.push(...Array.from({ length: 10 }, read));
        await sleep(25);
      }
    })();
    await sleep(200);
    await stopGracefully(cluster.chatApi, SHUTDOWN_TIMEOUT_MS);
    await reading;
    const settled = await Promise.all(answers);
    const served = settled.filter((answer) => answer.status === 200);
    // Served before the stop and refused after it: the signal came mid-stream.
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(settled.length);
    for (const answer of served) expect(answer.messages).toBe(20);
    expect(settled.filter((answer) => answer.status !== 200)).toEqual(
      settled
        .filter((answer) => answer.status !== 200)
        .map(() => ({ status: 503, retryAfter: '5', messages: 0 })),
    );
  });
});
