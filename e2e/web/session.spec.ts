import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { activeUser, expect, signIn, test } from './fixtures.ts';

const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

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
