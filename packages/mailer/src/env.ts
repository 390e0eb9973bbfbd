import { z } from 'zod';

export const smtpEnv = {
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Relay <no-reply@relay.local>'),
};
