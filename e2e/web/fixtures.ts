import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { tokenFromMail, waitForMail } from '@relay/testing';

export { expect };

const gatewayUrl = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? '8000'}`;

export interface WebUser {
  name: string;
  email: string;
  password: string;
}

/** A user nobody has signed up yet: a fresh address per call, so runs never meet each other's accounts. */
export function newUser(name = 'Ada Lovelace'): WebUser {
  return { name, email: `e2e-web-${randomUUID()}@example.com`, password: 'correct horse battery staple' };
}

/** The activation link of the newest activation mail maildev caught for `email`. */
export async function activationLink(email: string): Promise<string> {
  const mail = await waitForMail(email, (caught) => /activate/i.test(caught.subject));
  const link = mail.text.match(/https?:\/\/\S+\/activate\?token=[A-Za-z0-9_-]+/)?.[0];
  if (link === undefined)
    throw new Error(`activation mail "${mail.subject}" has no /activate link:\n${mail.text}`);
  return link;
}

/** Signs up and activates through the gateway's API: for tests whose subject starts after sign-in. */
export async function activeUser(name?: string): Promise<WebUser> {
  const user = newUser(name);
  const signup = await fetch(`${gatewayUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (signup.status !== 202) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`);
  const token = tokenFromMail(await waitForMail(user.email, (caught) => /activate/i.test(caught.subject)));
  const activate = await fetch(`${gatewayUrl}/api/auth/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!activate.ok) throw new Error(`activation answered ${activate.status}: ${await activate.text()}`);
  return user;
}

/** Signs in through the login screen and waits for the chats screen. */
export async function signIn(page: Page, user: WebUser): Promise<void> {
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/chats$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Chats' })).toBeVisible();
}

const WIDTHS = [1280, 375] as const;
const SCHEMES = ['light', 'dark'] as const;

/**
 * Scans the page with axe-core at each width, in the light and the dark theme (zero serious or
 * critical violations; every violation is printed and the full results attached on failure), and
 * saves a full-page screenshot of each as `<outputDir>/screens/<screen>-<width>[-dark].png`.
 */
export async function checkScreen(page: Page, testInfo: TestInfo, screen: string): Promise<void> {
  const dir = join(testInfo.project.outputDir, 'screens');
  mkdirSync(dir, { recursive: true });
  const height = page.viewportSize()?.height ?? 720;
  const failures: string[] = [];
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    for (const width of WIDTHS) {
      const name = `${screen}-${width}${colorScheme === 'dark' ? '-dark' : ''}`;
      await page.setViewportSize({ width, height });
      const path = join(dir, `${name}.png`);
      // From the top: a page left scrolled shows its sticky header mid-page in a full-page shot.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path, fullPage: true, animations: 'disabled' });
      await testInfo.attach(name, { path, contentType: 'image/png' });
      const results = await new AxeBuilder({ page }).analyze();
      const blocking = results.violations.filter(
        (violation) => violation.impact === 'serious' || violation.impact === 'critical',
      );
      if (blocking.length === 0) continue;
      console.log(`axe violations on ${name}:\n${JSON.stringify(results.violations, null, 2)}`);
      await testInfo.attach(`axe-${name}.json`, {
        body: JSON.stringify(results, null, 2),
        contentType: 'application/json',
      });
      for (const violation of blocking)
        failures.push(
          `${name}: ${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.length}×)`,
        );
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(failures, `serious or critical axe violations on ${screen}`).toEqual([]);
}

/** Collects every console error or warning and uncaught page error of a browser context. */
function watchConsole(context: BrowserContext, problems: string[]): void {
  context.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const { url, lineNumber } = message.location();
    problems.push(`console.${message.type()}: ${message.text()} (at ${url}:${lineNumber})`);
  });
  context.on('weberror', (error) =>
    problems.push(`uncaught: ${error.error().stack ?? error.error().message}`),
  );
}

/**
 * Every test: no page may log a console error or warning, nor throw. The default context is
 * watched on its own; a test opening more contexts passes each to `watch`.
 */
export const test = base.extend<{ watch: (context: BrowserContext) => void }>({
  watch: [
    async ({ context }, use) => {
      const problems: string[] = [];
      watchConsole(context, problems);
      await use((other) => watchConsole(other, problems));
      expect(problems, 'console errors, warnings and uncaught errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Resets `user`'s password as from another device, through the gateway's API and the mail it sends;
 * every session the user had ends. Returns the new password.
 */
export async function resetPassword(user: WebUser): Promise<string> {
  const forgot = await fetch(`${gatewayUrl}/api/auth/forgot-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email }),
  });
  if (forgot.status !== 202)
    throw new Error(`forgot-password answered ${forgot.status}: ${await forgot.text()}`);
  const mail = await waitForMail(user.email, (caught) => /reset your relay password/i.test(caught.subject));
  const password = `${user.password} reset`;
  const reset = await fetch(`${gatewayUrl}/api/auth/reset-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokenFromMail(mail), password }),
  });
  if (!reset.ok) throw new Error(`reset-password answered ${reset.status}: ${await reset.text()}`);
  return password;
}

const GATEWAY_401 = new RegExp(
  `^console\\.error: Failed to load resource: the server responded with a status of 401 \\(Unauthorized\\) \\(at ${gatewayUrl.replaceAll('.', '\\.')}/api/\\S+\\)$`,
);

/**
 * `watch` for a context whose test has the gateway refuse a token on purpose: Chromium logs each 401
 * the gateway answers as a console error, and those are the test's subject. Returns, when called,
 * every other console error, warning or uncaught error, for the test to expect none of at its end.
 */
export function watchExpecting401s(context: BrowserContext): () => string[] {
  const problems: string[] = [];
  watchConsole(context, problems);
  return () => problems.filter((problem) => !GATEWAY_401.test(problem));
}
