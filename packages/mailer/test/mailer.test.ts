import { randomUUID } from 'node:crypto';
import { waitForMail } from '@relay/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { Mailer } from '../src/mailer.ts';

const mailer = new Mailer({
  smtpUrl: process.env.SMTP_URL ?? 'smtp://127.0.0.1:1025',
  from: 'Relay <no-reply@relay.local>',
});
afterAll(() => mailer.close());

describe('Mailer through real SMTP into maildev', () => {
  it('delivers a mail that the inbox API then shows', async () => {
    const to = `${randomUUID()}@example.com`;
    await mailer.send({ to, subject: 'Welcome to Relay', text: 'plain body', html: '<p>html body</p>' });
    const caught = await waitForMail(to);
    expect(caught.subject).toBe('Welcome to Relay');
    expect(caught.text.trim()).toBe('plain body');
    expect(caught.html).toContain('<p>html body</p>');
  });

  it('verifies the SMTP connection for readiness', async () => {
    await expect(mailer.ping()).resolves.toBeUndefined();
  });
});
