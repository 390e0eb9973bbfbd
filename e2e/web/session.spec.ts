import { randomUUID } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import {
  activeUser,
  expect,
  resetPassword,
  signIn,
  test,
  type WebUser,
  watchExpecting401s,
} from './fixtures.ts';

const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });
const message = (page: Page, text: string) => messageLog(page).getByRole('article').filter({ hasText: text });
const composer = (page: Page) => page.getByLabel('Message', { exact: true });

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Creates a chat of `user` with `member` from the chats screen and opens it; returns its title. */
async function openNewChat(page: Page, member: WebUser): Promise<string> {
  const title = `Session ${randomUUID().slice(0, 8)}`;
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel("Members' emails").fill(member.email);
  await dialog.getByRole('button', { name: 'Create chat' }).click();
  await expect(heading(page, title)).toBeVisible();
  return title;
}

test('with 5-second access tokens, 20 s of chatting and navigating never shows the sign-in page or an error', async ({
  page,
}) => {
  const [grace, alan] = await Promise.all([activeUser('Grace Hopper'), activeUser('Alan Kay')]);
  const refreshes: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/auth/refresh')) refreshes.push(response.status());
  });
  await signIn(page, grace);
  // From here on the sign-in page must never come back.
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(new URL(frame.url()).pathname);
  });
  const title = `Session ${randomUUID().slice(0, 8)}`;
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel("Members' emails").fill(alan.email);
  await dialog.getByRole('button', { name: 'Create chat' }).click();
  await expect(heading(page, title)).toBeVisible();

  const sent: string[] = [];
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    // Zero-padded: "tick 001" is no part of "tick 010".
    const text = `tick ${String(sent.length).padStart(3, '0')}`;
    await page.getByLabel('Message', { exact: true }).fill(text);
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await expect(
      messageLog(page).getByRole('article').filter({ hasText: text }).getByText('Sent'),
    ).toBeVisible();
    sent.push(text);
    for (const [link, name] of [
      ['Profile', 'Profile'],
      ['Conversions', 'Conversions'],
      ['Chats', 'Chats'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await expect(heading(page, name)).toBeVisible();
    }
    await page.getByRole('link', { name: title }).click();
    await expect(heading(page, title)).toBeVisible();
  }

  // Four token lifetimes at least went by: the app refreshed, every time successfully.
  expect(refreshes.length).toBeGreaterThanOrEqual(3);
  expect(refreshes.every((status) => status === 200)).toBe(true);
  expect(visited.filter((path) => path === '/login')).toEqual([]);
  // What was sent last, after many refreshes, is stored: a reload shows it at the end of the history.
  await page.reload();
  const last = sent.at(-1) as string;
  await expect(messageLog(page).getByRole('article').last()).toContainText(last);
});

/**
 * With the page's clock paused nothing it scheduled runs (its refresh timer, the socket's reconnect,
 * React Query's notifications): grant it 20 ms at a time until `locator` shows. The fake time that
 * passes so stays far short of the 4 s after which the refresh timer would fire.
 */
async function tickUntilVisible(page: Page, locator: Locator): Promise<void> {
  await expect(async () => {
    await page.clock.runFor(20);
    await expect(locator).toBeVisible({ timeout: 200 });
  }).toPass({ timeout: 20_000 });
}

test('with the page clock frozen past the access token’s expiry, navigating and sending still work without a sign-in', async ({
  browser,
}) => {
  const [grace, alan] = await Promise.all([activeUser('Grace Hopper'), activeUser('Alan Kay')]);
  // The 401s this test provokes are logged by Chromium; anything else still fails it.
  const context = await browser.newContext();
  const otherProblems = watchExpecting401s(context);
  const page = await context.newPage();
  await page.clock.install();
  const answers: { path: string; status: number }[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/')) answers.push({ path: url.pathname, status: response.status() });
  });
  let socketClosed = false;
  page.on('websocket', (socket) => socket.on('close', () => (socketClosed = true)));

  await signIn(page, grace);
  // From here on the sign-in page must never come back.
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(new URL(frame.url()).pathname);
  });
  const title = await openNewChat(page, alan);
  await send(page, 'before the freeze');
  await expect(message(page, 'before the freeze').getByText('Sent')).toBeVisible();

  // The lid closes: the page's time stops, the server's goes on. Its socket closes when the token
  // expires (4401), and with no refresh timer firing the page still holds that expired token.
  // (A little ahead: the page's clock runs on while this is sent; a timer due meanwhile may still fire.)
  const atFreeze = answers.length;
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 200);
  socketClosed = false;
  await expect.poll(() => socketClosed, { timeout: 15_000 }).toBe(true);

  await page.getByRole('link', { name: 'Conversions', exact: true }).click();
  await tickUntilVisible(page, heading(page, 'Conversions'));
  await page.getByRole('link', { name: 'Chats', exact: true }).click();
  await tickUntilVisible(page, page.getByRole('link', { name: title }));
  await page.getByRole('link', { name: title }).click();
  // Only the session's refresh can have made these work: the page's own timer never fired.
  await tickUntilVisible(page, message(page, 'before the freeze'));
  await send(page, 'after the freeze');
  await tickUntilVisible(page, message(page, 'after the freeze').getByText('Sent'));

  // Whichever heard of the expiry first — the socket closed for it, or a call refused with it — the
  // session refreshed exactly once, and every refused call came back with the new token, answered.
  const after = answers.slice(atFreeze);
  expect(
    after.filter((answer) => answer.path === '/api/auth/refresh').map((answer) => answer.status),
  ).toEqual([200]);
  after.forEach((answer, index) => {
    if (answer.status !== 401) return;
    expect(answer.path).not.toBe('/api/auth/refresh');
    expect(after.slice(index + 1)).toContainEqual({ path: answer.path, status: 200 });
  });
  expect(visited.filter((path) => path === '/login')).toEqual([]);
  expect(otherProblems()).toEqual([]);
  await context.close();
});

test('a password reset elsewhere signs the old tab out within seconds, saying why, and its unsent message comes back as a draft', async ({
  browser,
}) => {
  const [ada, bob] = await Promise.all([activeUser('Ada Lovelace'), activeUser('Bob Noyce')]);
  // The refused refresh is a 401 Chromium logs; anything else still fails the test.
  const context = await browser.newContext();
  const otherProblems = watchExpecting401s(context);
  const page = await context.newPage();
  await signIn(page, ada);
  const title = await openNewChat(page, bob);
  await send(page, 'said before the reset');
  await expect(message(page, 'said before the reset').getByText('Sent')).toBeVisible();

  // A message on its way while the session is revoked: typed offline, so no ack can come.
  const unsent = `typed while the password was reset ${randomUUID().slice(0, 8)}`;
  await context.setOffline(true);
  await expect(page.getByText(/Reconnecting…/)).toBeVisible();
  await send(page, unsent);
  await expect(message(page, unsent).getByText('Sending')).toBeVisible();
  const password = await resetPassword(ada);
  await context.setOffline(false);

  await expect(heading(page, 'Sign in')).toBeVisible({ timeout: 8_000 });
  await expect(page.getByText(/your password was changed/)).toBeVisible();

  await page.getByLabel('Email').fill(ada.email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: title }).click();
  await expect(heading(page, title)).toBeVisible();
  await expect(composer(page)).toHaveValue(unsent);
  await expect(page.getByText('Not sent — kept as a draft')).toBeVisible();
  await expect(message(page, 'said before the reset')).toBeVisible();
  await expect(message(page, unsent)).toHaveCount(0);

  // Sent now, it is a message like any other, and the draft is gone.
  await composer(page).press('Enter');
  await expect(message(page, unsent).getByText('Sent')).toBeVisible();
  await page.reload();
  await expect(message(page, unsent)).toHaveCount(1);
  await expect(composer(page)).toHaveValue('');
  await expect(page.getByText('Not sent — kept as a draft')).toHaveCount(0);
  expect(otherProblems()).toEqual([]);
  await context.close();
});
