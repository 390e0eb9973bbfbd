import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SHUTDOWN_TIMEOUT_MS } from '@relay/platform';
import { Cluster, mailsTo, stopGracefully, TEST_PASSWORD } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SIGN_UPS = 120;

let cluster: Cluster;

beforeAll(async () => {
  // Info logs: the test reads 'shut down cleanly' from them.
  cluster = await Cluster.start({ gateways: 1, env: { LOG_LEVEL: 'info' } });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

const signUp = (email: string) =>
  fetch(`${cluster.gatewayUrls[0]}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD, name: 'Mail Test' }),
  });

describe('gateway-worker stopped with SIGTERM while activation mails keep coming', () => {
  it('finishes the mails in hand and exits by itself; every address gets exactly one mail', async () => {
    const run = randomUUID().slice(0, 8);
    const emails = Array.from({ length: SIGN_UPS }, (_, index) => `mail-${run}-${index}@example.com`);
    // Four at a time, as fast as the gateway hashes passwords: jobs arrive while the worker stops.
    const signingUp = (async () => {
      for (let index = 0; index < emails.length; index += 4) {
        const answers = await Promise.all(emails.slice(index, index + 4).map(signUp));
        for (const answer of answers) expect(answer.status).toBe(202);
      }
    })();
    await expect.poll(async () => (await mailsTo(emails[0] as string)).length, { timeout: 30_000 }).toBe(1);

    await stopGracefully(cluster.worker, SHUTDOWN_TIMEOUT_MS);
    const sentByTheFirst = (await Promise.all(emails.map(mailsTo))).filter(
      (mails) => mails.length > 0,
    ).length;
    // Mid-stream, or the run proves nothing.
    expect(sentByTheFirst).toBeLessThan(SIGN_UPS);
    await sleep(500);
    await cluster.restartWorker();
    await signingUp;

    await expect
      .poll(async () => (await Promise.all(emails.map(mailsTo))).map((mails) => mails.length), {
        timeout: 60_000,
        interval: 500,
      })
      .toEqual(emails.map(() => 1));
  });
});
