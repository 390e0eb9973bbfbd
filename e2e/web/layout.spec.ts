import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { activeUser, checkScreen, expect, signIn, test, type WebUser } from './fixtures.ts';

const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });
const message = (page: Page, text: string) => messageLog(page).getByRole('article').filter({ hasText: text });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });
const chatsNav = (page: Page) => page.getByRole('banner').getByRole('link', { name: /^Chats/ });

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await expect(message(page, text)).toBeVisible();
}

/** Creates a chat through the New chat dialog; with nobody invited it opens at once. */
async function createChat(page: Page, title: string, members: readonly WebUser[]): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel("Members' emails").fill(members.map((member) => member.email).join(', '));
  await dialog.getByRole('button', { name: 'Create chat' }).click();
  await expect(heading(page, title)).toBeVisible();
}

/** Scrolls the log to its top (the root tsconfig has no DOM lib, hence the cast). */
const scrollLogToTop = (page: Page) =>
  messageLog(page).evaluate((element) => {
    (element as unknown as { scrollTop: number }).scrollTop = 0;
  });

test('two panes on a desktop, one with back navigation on a phone; an empty room greets its members by name; a run of messages shows its sender once', async ({
  page,
  browser,
  watch,
}, testInfo) => {
  const [ada, alan, grace] = await Promise.all([
    activeUser('Ada Lovelace'),
    activeUser('Alan Kay'),
    activeUser('Grace Hopper'),
  ]);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, ada);
  await expect(page).toHaveTitle('Chats · Relay');
  const title = `Layout ${randomUUID().slice(0, 8)}`;
  await createChat(page, title, [alan, grace]);

  await test.step('the empty room invites the first message, naming the others', async () => {
    await expect(
      messageLog(page).getByRole('heading', { name: 'Say hello to Alan and Grace' }),
    ).toBeVisible();
    await checkScreen(page, testInfo, 'chat-room-empty');
  });

  await test.step('at 1280 px the list and the room are side by side', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const list = page.getByRole('region', { name: 'Chats' });
    await expect(heading(page, 'Chats')).toBeVisible();
    await expect(list.getByRole('link', { name: title })).toHaveAttribute('aria-current', 'page');
    await expect(heading(page, title)).toBeVisible();
    const listBox = await list.boundingBox();
    const roomBox = await heading(page, title).boundingBox();
    expect(listBox !== null && roomBox !== null && listBox.x + listBox.width <= roomBox.x).toBe(true);
    // A skip link, shown when focused, takes keyboard users past the header and the list.
    const skip = page.getByRole('link', { name: 'Skip to messages' });
    await skip.focus();
    await expect(skip).toBeInViewport();
    await skip.press('Enter');
    await expect(messageLog(page)).toBeFocused();
    // The room fills the window: the composer sits at its foot.
    const composer = await page.getByLabel('Message', { exact: true }).boundingBox();
    expect(composer !== null && composer.y + composer.height > 800 - 120).toBe(true);
  });

  await test.step('three quick messages of one sender show the name once, each with its time for screen readers', async () => {
    const alanContext = await browser.newContext();
    watch(alanContext);
    const alanPage = await alanContext.newPage();
    await signIn(alanPage, alan);
    await alanPage.getByRole('link', { name: title }).click();
    for (const text of ['First of three', 'Second of three', 'Third of three']) await send(alanPage, text);
    await expect(message(page, 'Third of three')).toBeVisible();
    await expect(messageLog(page).getByRole('article', { name: /^Alan Kay, / })).toHaveCount(3);
    await expect(messageLog(page).getByText('Alan Kay', { exact: true })).toHaveCount(1);
    await send(page, 'Welcome both');
    await send(page, 'Agenda follows');
    // "Sent"/"Read by" on the last own message only.
    await expect(message(page, 'Agenda follows').getByText(/^(Sent|Read by \d)$/)).toBeVisible();
    await expect(message(page, 'Welcome both').getByText(/^(Sent|Read by \d)$/)).toHaveCount(0);
    // The list beside the room follows own messages too.
    await expect(page.getByRole('link', { name: title })).toContainText('You: Agenda follows');
    await checkScreen(page, testInfo, 'chat-room-grouped');
    await alanContext.close();
  });

  await test.step('at 375 px one pane: the room, back to the list, into the room again', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await expect(heading(page, title)).toBeVisible();
    await expect(heading(page, 'Chats')).toBeHidden();
    // The open room is the whole screen, as on a phone's chat app; the list has the header.
    await expect(page.getByRole('banner')).toBeHidden();
    await page.getByRole('link', { name: 'All chats' }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await expect(heading(page, 'Chats')).toBeVisible();
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(heading(page, title)).toBeHidden();
    await page.getByRole('link', { name: title }).click();
    await expect(heading(page, title)).toBeVisible();
    await expect(heading(page, 'Chats')).toBeHidden();
    await expect(message(page, 'Third of three')).toBeVisible();
  });
});

test('unread: the count in the title and on the Chats item, a New messages line at the first unread, and a jump to the latest counting what came in', async ({
  page,
  browser,
  watch,
}) => {
  const [ada, bob] = await Promise.all([activeUser('Ada Lovelace'), activeUser('Bob Noyce')]);
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, ada);
  const title = `Unread ${randomUUID().slice(0, 8)}`;
  await createChat(page, title, [bob]);
  await send(page, 'Before you came');
  await chatsNav(page).click();
  await expect(page).toHaveURL(/\/chats$/);

  const bobContext = await browser.newContext();
  watch(bobContext);
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, bob);
  await bobPage.getByRole('link', { name: title }).click();
  const burst = Array.from({ length: 25 }, (_, n) => `Update ${String(n + 1).padStart(2, '0')}`);

  await test.step('another user writes: the title and the Chats item count it, live', async () => {
    await send(bobPage, burst[0] as string);
    await expect(page).toHaveTitle('(1) Chats · Relay');
    await expect(chatsNav(page)).toHaveAccessibleName('Chats 1 unread');
    for (const text of burst.slice(1)) await send(bobPage, text);
    await expect(page).toHaveTitle('(25) Chats · Relay');
    await expect(chatsNav(page)).toHaveAccessibleName('Chats 25 unread');
  });

  await test.step('opening the chat: the line sits above the first unread, and reading clears the counts', async () => {
    await page.getByRole('link', { name: title }).click();
    const line = messageLog(page).getByText('New messages', { exact: true });
    await expect(line).toBeVisible();
    const lineBox = await line.boundingBox();
    const firstUnread = await message(page, 'Update 01').boundingBox();
    expect(lineBox !== null && firstUnread !== null && lineBox.y < firstUnread.y).toBe(true);
    expect(firstUnread !== null && lineBox !== null && firstUnread.y - lineBox.y < 80).toBe(true);
    await expect(page).toHaveTitle('Chats · Relay');
    await expect(chatsNav(page)).toHaveAccessibleName('Chats');
  });

  await test.step('scrolled up, new messages are counted on the jump button, which goes to the latest', async () => {
    const jump = page.getByRole('button', { name: /^Jump to latest/ });
    // Opened at the first unread, the rest of the burst is below: the button is there.
    await jump.click();
    await expect(message(page, 'Update 25')).toBeInViewport();
    await expect(jump).toBeHidden();

    await scrollLogToTop(page);
    await expect(jump).toHaveAccessibleName('Jump to latest');
    await send(bobPage, 'Are you there?');
    await send(bobPage, 'Hello?');
    await expect(jump).toHaveAccessibleName('Jump to latest 2 new messages');
    await expect(message(page, 'Hello?')).not.toBeInViewport();
    await jump.click();
    await expect(message(page, 'Hello?')).toBeInViewport();
    await expect(jump).toBeHidden();
  });
  await bobContext.close();
});

test('the New chat dialog fits any screen: at 740×360 it starts on screen, scrolls inside, and its button is reached', async ({
  page,
}, testInfo) => {
  await signIn(page, await activeUser('Katherine Johnson'));
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await expect(dialog).toBeVisible();
  await checkScreen(page, testInfo, 'new-chat-dialog');

  await page.setViewportSize({ width: 740, height: 360 });
  const box = await dialog.boundingBox();
  expect(box).not.toBeNull();
  expect(box?.y).toBeGreaterThanOrEqual(0);
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(360);
  // The backdrop lies over the header too.
  const atHeader = await page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: { elementFromPoint(x: number, y: number): { className: string } | null };
    };
    return document.elementFromPoint(8, 8)?.className ?? '';
  });
  expect(atHeader).toContain('dialog__overlay');

  const title = `Small screen ${randomUUID().slice(0, 8)}`;
  await dialog.getByLabel('Title').fill(title);
  const create = dialog.getByRole('button', { name: 'Create chat' });
  await create.scrollIntoViewIfNeeded();
  await expect(create).toBeInViewport();
  await create.click();
  await expect(heading(page, title)).toBeVisible();
});

test('the chats list loads as rows and opens to a pane that says what to do', async ({ page }, testInfo) => {
  await signIn(page, await activeUser('Mary Jackson'));
  const title = `Pick ${randomUUID().slice(0, 8)}`;
  await createChat(page, title, []);
  await send(page, 'A note to myself');
  await chatsNav(page).click();
  await expect(page.getByRole('heading', { name: 'Pick a chat' })).toBeVisible();
  await expect(page.getByRole('link', { name: title })).toBeVisible();
  await checkScreen(page, testInfo, 'chats-list-two-panes');
});

/** A stand-in for the browser's Notification that records what the page shows (permission granted). */
const RECORDING_NOTIFICATIONS = `
  globalThis.__shown = [];
  globalThis.Notification = class {
    static permission = 'granted';
    static requestPermission = async () => 'granted';
    constructor(title, options) { globalThis.__shown.push({ title, body: options && options.body }); }
    close() {}
  };
`;
/** Makes the tab say it is hidden, or shown again, as switching tabs does. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate(`
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${hidden ? 'hidden' : 'visible'}' });
    document.dispatchEvent(new Event('visibilitychange'));
  `);

test('a hidden tab counts what comes in to its open room and, opted in, shows a desktop notification; back on the tab it is read', async ({
  page,
  browser,
  watch,
}) => {
  const [ada, bob] = await Promise.all([activeUser('Ada Lovelace'), activeUser('Bob Noyce')]);
  await page.addInitScript({ content: RECORDING_NOTIFICATIONS });
  const shown = () => page.evaluate('globalThis.__shown');
  await signIn(page, ada);
  const toggle = page.getByRole('button', { name: 'Desktop notifications' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const title = `Away ${randomUUID().slice(0, 8)}`;
  await createChat(page, title, [bob]);

  const bobContext = await browser.newContext();
  watch(bobContext);
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, bob);
  await bobPage.getByRole('link', { name: title }).click();
  await send(bobPage, 'While you look');
  await expect(message(bobPage, 'While you look').getByText('Read by 1')).toBeVisible();
  expect(await shown()).toEqual([]);

  await setHidden(page, true);
  await send(bobPage, 'While you are away');
  await expect(page).toHaveTitle('(1) Chats · Relay');
  await expect.poll(shown).toEqual([{ title: 'Bob Noyce', body: 'While you are away' }]);
  await expect(message(bobPage, 'While you are away').getByText('Sent')).toBeVisible();

  await setHidden(page, false);
  await expect(page).toHaveTitle('Chats · Relay');
  await expect(message(bobPage, 'While you are away').getByText('Read by 1')).toBeVisible();
  await bobContext.close();
});
