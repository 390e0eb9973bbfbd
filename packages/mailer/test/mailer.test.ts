import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Mailer } from '../src/mailer.ts';

const smtpUrl = process.env.SMTP_URL ?? 'smtp://127.0.0.1:1025';
const inboxApi = process.env.MAILDEV_API_URL ?? 'http://127.0.0.1:1080';
const mailer = new Mailer({ smtpUrl, from: 'Relay <no-reply@relay.local>' });
afterAll(() => mailer.close());

interface CaughtMail {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

describe('Mailer through real SMTP into maildev', () => {
  it('delivers a mail that the inbox API then shows', async () => {
    const to = `${randomUUID()}@example.com`;
    await mailer.send({ to, subject: 'Welcome to Relay', text: 'plain body', html: '<p>html body</p>' });

    let caught: CaughtMail | undefined;
    await expect
      .poll(async () => {
        const inbox = (await (await fetch(`${inboxApi}/email`)).json()) as CaughtMail[];
        caught = inbox.find((mail) => mail.to.some((recipient) => recipient.address === to));
        return caught !== undefined;
      })
      .toBe(true);
    expect(caught).toMatchObject({ subject: 'Welcome to Relay' });
    expect(caught?.text.trim()).toBe('plain body');
    expect(caught?.html).toContain('<p>html body</p>');
  });

  it('verifies the SMTP connection for readiness', async () => {
    await expect(mailer.ping()).resolves.toBeUndefined();
  });
});
