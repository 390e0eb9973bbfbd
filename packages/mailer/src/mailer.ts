import nodemailer, { type Transporter } from 'nodemailer';

export interface MailerOptions {
  /** e.g. smtp://127.0.0.1:1025 locally, smtps://user:pass@host:465 in production. */
  smtpUrl: string;
  from: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** SMTP adapter: jobs call `send`; the transport is real SMTP everywhere, maildev locally. */
export class Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(options: MailerOptions) {
    this.#transport = nodemailer.createTransport(options.smtpUrl);
    this.#from = options.from;
  }

  /** Resolves with the SMTP message id once the server accepted the mail. */
  async send(mail: OutgoingMail): Promise<string> {
    const info = await this.#transport.sendMail({ from: this.#from, ...mail });
    return String(info.messageId);
  }

  /** Readiness: the SMTP server greets us and accepts the connection. */
  async ping(): Promise<void> {
    await this.#transport.verify();
  }

  close(): void {
    this.#transport.close();
  }
}
