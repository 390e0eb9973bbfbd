import type { Locator, Page } from '@playwright/test';
import { activeUser, expect, test } from './fixtures.ts';

interface FocusedStyle {
  outlineStyle: string;
  outlineWidth: string;
  boxShadow: string;
}

/** How the focused element shows its focus (the root tsconfig has no DOM lib, hence the casts). */
const focusRing = (page: Page) =>
  page.locator(':focus').evaluate((element) => {
    const { getComputedStyle } = globalThis as unknown as { getComputedStyle(target: unknown): FocusedStyle };
    const style = getComputedStyle(element);
    if (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) return 'outline';
    return style.boxShadow !== 'none' ? 'shadow' : 'none';
  });

const isFocused = (target: Locator) =>
  target.evaluate((element) =>
    (element as unknown as { matches(selector: string): boolean }).matches(':focus'),
  );

/** Tabs until `target` has focus (at most `limit` presses), checking that each stop shows a focus ring. */
async function tabTo(page: Page, target: Locator, limit = 20): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    expect(await focusRing(page), 'every focus stop shows where focus is').toMatch(/^(outline|shadow)$/);
    if (await isFocused(target)) return;
  }
  throw new Error(`focus never reached the target in ${limit} presses of Tab`);
}

test('keyboard only: sign in, open a chat dialog with focus kept inside, close it back to its button', async ({
  page,
}) => {
  const user = await activeUser('Grace Hopper');
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  // The prerendered page paints first and stays inert (nothing to focus) until the app takes it over.
  await expect(page.locator('[inert]')).toHaveCount(0);

  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(user.email);
  await tabTo(page, page.getByLabel('Password', { exact: true }));
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Chats' })).toBeVisible();

  const newChat = page.getByRole('button', { name: 'New chat' });
  await tabTo(page, newChat);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await expect(dialog).toBeVisible();
  // Focus moves into the dialog and stays there however far one tabs.
  for (let presses = 0; presses < 12; presses += 1) {
    await expect(dialog.locator(':focus')).toHaveCount(1);
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(newChat).toBeFocused();

  // The dialog's form works from the keyboard too.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByLabel('Title'));
  await page.keyboard.type('Keyboard club');
  await tabTo(page, dialog.getByRole('button', { name: 'Create chat' }));
  await page.keyboard.press('Enter');
  // With nobody invited, creating opens the chat.
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard club' })).toBeVisible();

  // The room opens with its composer focused (beside the list, which keeps its own tab stops).
  const composer = page.getByLabel('Message', { exact: true });
  await expect(composer).toBeFocused();
  expect(await focusRing(page), 'the focused composer shows where focus is').toMatch(/^(outline|shadow)$/);
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  await expect(
    page
      .getByRole('log', { name: 'Messages' })
      .getByRole('article')
      .filter({ hasText: 'Typed without a mouse' }),
  ).toContainText(/Sent|Read by/);

  // From the top of the page, every stop through the header, the list and the room shows its focus.
  await page.getByRole('link', { name: 'Skip to messages' }).focus();
  await tabTo(page, composer, 30);
});
