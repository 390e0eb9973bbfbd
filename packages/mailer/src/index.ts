export { smtpEnv } from './env.ts';
export { Mailer, type MailerOptions, type OutgoingMail } from './mailer.ts';
