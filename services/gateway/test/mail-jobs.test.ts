import { randomUUID } from 'node:crypto';
import { bullmqConnection } from '@relay/redis';
import { waitForMail } from '@relay/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, startGateway, startWorker, testConfig, uniqueEmail } from './helpers.ts';

// Its own queue prefix, so the broken worker below never takes other tests' jobs.
const env = { JOBS_PREFIX: `test-jobs-${randomUUID()}` };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('account mails when SMTP is down', () => {
  it('retries with backoff, keeps the worker alive, lets the user resend, and delivers once SMTP is back', async () => {
    const gateway = await startGateway(env);
    closers.push(gateway.close);
    // Port 9 (discard) refuses connections here: the SMTP server is "down".
    const broken = startWorker({ ...env, SMTP_URL: 'smtp://127.0.0.1:9' });
    const queue = new Queue('gateway-mail', {
      connection: bullmqConnection(testConfig().REDIS_URL),
      prefix: env.JOBS_PREFIX,
    });
    closers.push(() => queue.close());

    const email = uniqueEmail();
    const signup = await call(gateway.baseUrl, 'POST', '/api/auth/signup', {
      body: { email, password: PASSWORD, name: 'Patient' },
    });
    expect(signup.status).toBe(202);

    await expect
      .poll(async () => (await queue.getJobs(['delayed'])).map((job) => job.attemptsMade), {
        timeout: 10_000,
      })
      .toEqual([1]);
    const [job] = await queue.getJobs(['delayed']);
    expect(job?.failedReason).toMatch(/ECONNREFUSED|connect/i);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 2000 });

    const resend = await call(gateway.baseUrl, 'POST', '/api/auth/resend-activation', { body: { email } });
    expect(resend.status).toBe(202);
    await broken.close();

    const healthy = startWorker(env);
    closers.push(healthy.close);
    const mail = await waitForMail(
      email,
      (candidate) => candidate.subject === 'Activate your Relay account',
      20_000,
    );
    expect(mail.text).toContain('/activate?token=');
    await expect.poll(async () => queue.getJobCounts('completed')).toMatchObject({ completed: 2 });
  });
});
