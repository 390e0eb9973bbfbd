import { activeUser, checkScreen, expect, signIn, test } from './fixtures.ts';

// Each main screen: axe-core finds no serious or critical violation, and it is saved at 1280 and 375 px.

test('sign-up screen', async ({ page }, testInfo) => {
  await page.goto('/signup');
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
  await checkScreen(page, testInfo, 'signup');
});

test('sign-in screen', async ({ page }, testInfo) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await checkScreen(page, testInfo, 'signin');
});

test('chats screen, empty', async ({ page }, testInfo) => {
  await signIn(page, await activeUser('Katherine Johnson'));
  await checkScreen(page, testInfo, 'chats-empty');
});

test('profile screen', async ({ page }, testInfo) => {
  await signIn(page, await activeUser('Dorothy Vaughan'));
  await page.getByRole('banner').getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
  await checkScreen(page, testInfo, 'profile');
});
