import { activationLink, activeUser, checkScreen, expect, newUser, signIn, test } from './fixtures.ts';

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

test('forgot-password screen', async ({ page }, testInfo) => {
  await page.goto('/forgot-password');
  await expect(page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeVisible();
  await checkScreen(page, testInfo, 'forgot-password');
});

test('reset-password screen, with a link and with a broken one', async ({ page }, testInfo) => {
  await page.goto(`/reset-password?token=${'a'.repeat(43)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
  await checkScreen(page, testInfo, 'reset-password');
  await page.goto('/reset-password?token=broken');
  await expect(page.getByRole('heading', { level: 1, name: 'This link doesn’t work' })).toBeVisible();
  await checkScreen(page, testInfo, 'reset-password-broken');
});

test('activate screen, from the e-mailed link', async ({ page }, testInfo) => {
  const user = newUser('Mary Jackson');
  await page.goto('/signup');
  await page.getByLabel('Name', { exact: true }).fill(user.name);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
  await page.goto(await activationLink(user.email));
  await expect(page.getByRole('heading', { level: 1, name: 'Account activated' })).toBeVisible();
  await checkScreen(page, testInfo, 'activated');
});

test('not-found screen', async ({ page }, testInfo) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await checkScreen(page, testInfo, 'not-found');
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
