import { Email } from '@relay/contracts';

/** "a@x.com, b@y.com\nc@z.com" → the addresses, in order, each once. */
export function parseMemberEmails(text: string): string[] {
  const emails = text
    .split(/[,;\n]/u)
    .map((email) => email.trim())
    .filter(Boolean);
  return [...new Set(emails)];
}

/** The message for the first address the gateway would refuse, naming it. */
export function memberEmailsError(emails: readonly string[]): string | undefined {
  const invalid = emails.find((email) => !Email.safeParse(email).success);
  return invalid === undefined ? undefined : `${invalid} is not a valid e-mail address.`;
}
