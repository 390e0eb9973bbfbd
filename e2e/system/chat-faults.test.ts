import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster, chatRows, type RecordingClient, ROOT, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

function debugDump(onA: RecordingClient, onB: RecordingClient) {
  for (const gateway of cluster.gateways)
    console.log(
      'DEBUG',
      gateway.url,
      gateway.process
        .output()
        .split('\n')
        .filter((line) => /caught up|catch-up|resubscribed after|fell behind|"level":(40|50)/.test(line))
        .map((line) => line.slice(0, 400))
        .slice(-15)
        .join('\n'),
    );
  for (const [name, client] of [
    ['A', onA],
    ['B', onB],
  ] as const)
    console.log(
      'DEBUG',
      name,
      'missing',
      (() => {
        const got = new Set(client.received.map((m) => m.body));
        const prefix = name === 'A' ? 'b' : 'a';
        return Array.from({ length: PER_SENDER }, (_, i) => `${prefix} ${i}`)
          .filter((b) => !got.has(b))
          .join(',');
      })(),
      client.statuses.join(','),
      'received',
      client.received.length,
      'dups',
      client.duplicates.length,
      'errors',
      JSON.stringify(client.errors.slice(-5)),
      'pending',
      client.client.pending,
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
async function faultRun(fault: (chatId: string) => Promise<void>) {
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
  await expect
    .poll(() => onA.received.length + onB.received.length, { timeout: 20_000 })
    .toBe(2 * PER_SENDER)
    .catch(() => debugDump(onA, onB));
  await expect.poll(() => onA.received.length, { timeout: 60_000 }).toBe(PER_SENDER);
  await expect.poll(() => onB.received.length, { timeout: 60_000 }).toBe(PER_SENDER);
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
  console.log(`${expect.getState().currentTestName}: ${JSON.stringify(stats)}`);
  return stats;
}

describe('chat under faults: nothing lost, nothing doubled', () => {
  it('survives kill -9 of chat-consumer mid-stream', async () => {
    await faultRun(async (chatId) => {
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

  it('survives a restart of the Kafka broker', async () => {
    await faultRun(() => restartInfra('kafka'));
  });

  it('survives a restart of Redis', async () => {
    await faultRun(() => restartInfra('redis'));
  });

  it('survives a gateway dying while its clients move to the other and resend', async () => {
    await faultRun(() => cluster.restartGateway(1, 'SIGKILL'));
  });
});
