import { Email } from '@relay/contracts';
import type { JobDefinition } from '@relay/jobs';
import type { Mailer } from '@relay/mailer';
import { z } from 'zod';
import { activationMail, alreadyRegisteredMail, passwordResetMail } from './mail-templates.ts';
import { hashSecureToken, newSecureToken } from './secure-tokens.ts';
import type { UsersRepository } from './users.repository.ts';

/**
 * Account mails are decided in the worker, never on the request path, so a sign-up for a
 * taken address costs the request exactly what a new one does and reveals nothing.
 */
export const MailJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('activation'), email: Email }),
  z.object({ kind: z.literal('password-reset'), email: Email }),
]);
export type MailJob = z.infer<typeof MailJob>;

export const mailJobDefinition: JobDefinition<typeof MailJob> = { queue: 'gateway-mail', schema: MailJob };

export interface MailJobSettings {
  webUrl: string;
  activationTtlHours: number;
  resetTtlMinutes: number;
}

export class MailJobHandler {
  readonly #users: UsersRepository;
  readonly #mailer: Mailer;
  readonly #settings: MailJobSettings;

  constructor(users: UsersRepository, mailer: Mailer, settings: MailJobSettings) {
    this.#users = users;
    this.#mailer = mailer;
    this.#settings = settings;
  }

  readonly handle = async (job: MailJob): Promise<void> => {
    switch (job.kind) {
      case 'activation':
        return this.#activationOrNotice(job.email);
      case 'password-reset':
        return this.#passwordReset(job.email);
    }
  };

  async #activationOrNotice(email: string): Promise<void> {
    const user = await this.#users.findByEmail(email);
    if (user === undefined) return;
    if (user.active) {
      await this.#mailer.send(
        alreadyRegisteredMail(user.email, user.name, this.#link('/login'), this.#link('/forgot-password')),
      );
      return;
    }
    const token = newSecureToken();
    const hours = this.#settings.activationTtlHours;
    await this.#users.issueOneTimeToken(user.id, 'activation', hashSecureToken(token), hoursFromNow(hours));
    await this.#mailer.send(activationMail(user.email, user.name, this.#link('/activate', token), hours));
  }

  async #passwordReset(email: string): Promise<void> {
    const user = await this.#users.findByEmail(email);
    if (user === undefined) return;
    if (!user.active) return this.#activationOrNotice(user.email);
    const token = newSecureToken();
    const minutes = this.#settings.resetTtlMinutes;
    await this.#users.issueOneTimeToken(
      user.id,
      'password_reset',
      hashSecureToken(token),
      minutesFromNow(minutes),
    );
    await this.#mailer.send(
      passwordResetMail(user.email, user.name, this.#link('/reset-password', token), minutes),
    );
  }

  #link(path: string, token?: string): string {
    const url = new URL(path, this.#settings.webUrl);
    if (token !== undefined) url.searchParams.set('token', token);
    return url.toString();
  }
}

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
