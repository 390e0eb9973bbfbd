export interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

const inboxApi = () => process.env.MAILDEV_API_URL ?? 'http://127.0.0.1:1080';

/** Waits until maildev holds a mail to `address` that `accept` approves; fails after `timeoutMs`. */
export async function waitForMail(
  address: string,
  accept: (mail: CaughtMail) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<CaughtMail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mails = await mailsTo(address);
    const found = mails.find(accept);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no matching mail to ${address} within ${timeoutMs} ms`);
}

/**
 * The mails to `address`, oldest first. maildev filters them (`?to.address=`), so a poll moves
 * only this address's mails, not the whole inbox every test run has filled.
 */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const query = new URLSearchParams({ 'to.address': address });
  const response = await fetch(`${inboxApi()}/api/email?${query}`);
  if (!response.ok) throw new Error(`maildev answered ${response.status}`);
  return (await response.json()) as CaughtMail[];
}

/** The `token` query parameter of the first link in a mail's text. */
export function tokenFromMail(mail: CaughtMail): string {
  const match = mail.text.match(/[?&]token=([A-Za-z0-9_-]+)/);
  if (match?.[1] === undefined) throw new Error(`mail "${mail.subject}" has no token link`);
  return match[1];
}
