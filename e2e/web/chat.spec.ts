import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { activeUser, checkScreen, expect, newUser, signIn, test } from './fixtures.ts';

const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });
const message = (page: Page, text: string) => messageLog(page).getByRole('article').filter({ hasText: text });
/** The bodies shown in the log, top to bottom. */
const shownBodies = (page: Page) => messageLog(page).getByRole('article').locator('p').allTextContents();

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

test('two users chat live: create and add, both ways, typing, read receipts, history after reload, and messages typed offline arrive once, in order', async ({
  page,
  browser,
  watch,
}, testInfo) => {
  const [ada, bob] = await Promise.all([activeUser('Ada Lovelace'), activeUser('Bob Noyce')]);
  const bobContext = await browser.newContext();
  watch(bobContext);
  const bobPage = await bobContext.newPage();
  await signIn(page, ada);
  await signIn(bobPage, bob);
  const title = `Engine notes ${randomUUID().slice(0, 8)}`;
  // Never signed up: the dialog lists it as invited, exactly as the gateway answered.
  const stranger = newUser().email;

  await test.step('Ada creates a chat; the address without an account shows as invited', async () => {
    await page.getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByLabel('Title').fill(title);
    await dialog.getByLabel("Members' emails").fill(stranger);
    await dialog.getByRole('button', { name: 'Create chat' }).click();
    const created = page.getByRole('dialog', { name: 'Chat created' });
    await expect(created.getByRole('listitem')).toHaveText([stranger]);
    await created.getByRole('button', { name: 'Open chat' }).click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  });

  await test.step('Ada adds Bob; the chat appears in his open list at once', async () => {
    await page.getByRole('button', { name: 'Add people' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add people' });
    await dialog.getByLabel("Members' emails").fill(bob.email);
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog).toBeHidden();
    // No reload: the gateway tells Bob's socket he joined.
    await expect(bobPage.getByRole('heading', { level: 1, name: 'Chats' })).toBeVisible();
    await bobPage.getByRole('link', { name: title }).click();
    await expect(bobPage.getByRole('heading', { level: 1, name: title })).toBeVisible();
  });

  await test.step('messages go both ways live, with typing and a read receipt', async () => {
    await send(page, 'Hello Bob, see https://example.com/engine');
    await expect(message(page, 'Hello Bob').getByText(/^(Sent|Read by 1)$/)).toBeVisible();
    await expect(message(bobPage, 'Hello Bob')).toBeVisible();
    await expect(
      message(bobPage, 'Hello Bob').getByRole('link', { name: 'https://example.com/engine' }),
    ).toHaveAttribute('rel', 'noopener noreferrer');
    // Bob has the room open, so Ada's message is read by him.
    await expect(message(page, 'Hello Bob').getByText('Read by 1')).toBeVisible();

    await bobPage.getByLabel('Message', { exact: true }).pressSequentially('Привет');
    await expect(page.getByText('Bob Noyce is typing…')).toBeVisible();
    await send(bobPage, 'Привет, Ada! こんにちは <img src=x onerror=alert(1)>');
    await expect(message(page, 'Привет, Ada!')).toContainText('こんにちは <img src=x onerror=alert(1)>');
    await expect(page.getByText('Bob Noyce is typing…')).toBeHidden();
    await expect(message(bobPage, 'Привет, Ada!').getByText('Read by 1')).toBeVisible();
  });

  await test.step('a reload keeps the history, in order, and the read receipts', async () => {
    await page.reload();
    await expect(message(page, 'Привет, Ada!')).toBeVisible();
    await expect(message(page, 'Hello Bob').getByText('Read by 1')).toBeVisible();
    expect(await shownBodies(page)).toEqual([
      'Hello Bob, see https://example.com/engine',
      'Привет, Ada! こんにちは <img src=x onerror=alert(1)>',
    ]);
  });

  const offline = [1, 2, 3, 4, 5].map((n) => `Offline message ${n}`);
  await test.step('Bob goes offline, types 5 messages, comes back: Ada gets each once, in order', async () => {
    await bobContext.setOffline(true);
    await expect(bobPage.getByText(/Reconnecting…/)).toBeVisible();
    for (const text of offline) await send(bobPage, text);
    for (const text of offline) await expect(message(bobPage, text).getByText('Sending')).toBeVisible();
    await bobContext.setOffline(false);
    await expect(bobPage.getByText(/Reconnecting…/)).toBeHidden({ timeout: 20_000 });
    for (const text of offline) {
      await expect(message(page, text)).toHaveCount(1, { timeout: 20_000 });
      await expect(message(bobPage, text).getByText('Sending')).toHaveCount(0);
    }
    // Acked, each of them; the newest own message alone says so (as the best chat apps do).
    await expect(message(bobPage, offline[4] as string).getByText(/^(Sent|Read by 1)$/)).toBeVisible();
    await expect(message(bobPage, offline[0] as string).getByText(/^(Sent|Read by 1)$/)).toHaveCount(0);
    expect((await shownBodies(page)).slice(-5)).toEqual(offline);
    // Still once each after the server's own order is read back.
    await page.reload();
    await expect(message(page, offline[4] as string)).toHaveCount(1);
    expect((await shownBodies(page)).slice(-5)).toEqual(offline);
  });

  await test.step("Bob's list follows live: last message and unread badge, the count in his title and on Chats", async () => {
    await bobPage.getByRole('banner').getByRole('link', { name: 'Chats' }).click();
    await expect(bobPage.getByRole('link', { name: title })).toBeVisible();
    await expect(bobPage).toHaveTitle('Chats · Relay');
    await send(page, 'Are you still there?');
    const row = bobPage.getByRole('listitem').filter({ has: bobPage.getByRole('link', { name: title }) });
    await expect(row).toContainText('Ada Lovelace: Are you still there?');
    await expect(row).toContainText('1 unread');
    await expect(bobPage).toHaveTitle('(1) Chats · Relay');
    await expect(bobPage.getByRole('banner').getByRole('link', { name: /^Chats/ })).toHaveAccessibleName(
      'Chats 1 unread',
    );
  });

  await test.step('screens: a room and the chats list', async () => {
    await checkScreen(page, testInfo, 'chat-room');
    // checkScreen ends at 375 px, where an open room is the whole screen: back to a desktop's header.
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('banner').getByRole('link', { name: 'Chats' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Chats' })).toBeVisible();
    await expect(page.getByRole('link', { name: title })).toBeVisible();
    await checkScreen(page, testInfo, 'chats-list');
  });

  await bobContext.close();
});
