import { join } from 'node:path';
import { activationLink, checkScreen, expect, newUser, test } from './fixtures.ts';

const PHOTO = join(import.meta.dirname, 'assets', 'photo.png');

test('sign up, activate from the e-mail, sign in, edit the profile and upload a photo that shows in the header', async ({
  page,
}, testInfo) => {
  const user = newUser('Grace Hopper');

  await test.step('sign up', async () => {
    await page.goto('/signup');
    await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
    await page.getByLabel('Name', { exact: true }).fill(user.name);
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Resend email' })).toBeVisible();
  });

  await test.step('activate through the link in the mail', async () => {
    await page.goto(await activationLink(user.email));
    await expect(page.getByRole('heading', { level: 1, name: 'Account activated' })).toBeVisible();
    await page.getByRole('link', { name: 'Sign in' }).click();
  });

  await test.step('sign in', async () => {
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Forgot password?' })).toBeVisible();
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Chats' })).toBeVisible();
  });

  const header = page.getByRole('banner');
  await test.step('the header shows the user and the navigation', async () => {
    await expect(header.getByRole('img', { name: user.name })).toBeVisible();
    for (const link of ['Chats', 'Conversions', 'Profile'])
      await expect(header.getByRole('link', { name: link })).toBeVisible();
    await expect(header.getByRole('button', { name: 'Sign out' })).toBeVisible();
  });

  const renamed = 'Grace B. Hopper';
  await test.step('edit name and bio', async () => {
    await header.getByRole('link', { name: 'Profile' }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue(user.name);
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page
      .getByLabel('Bio', { exact: true })
      .fill('Rear admiral; wrote the first compiler.\nFound a moth.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Profile saved' }).first()).toBeVisible();
    await expect(header.getByRole('img', { name: renamed })).toBeVisible();
  });

  const avatar = header.getByRole('img', { name: renamed });
  // The photo, not the initials: an <img> whose picture loaded (the root tsconfig has no DOM lib).
  const photoLoaded = () =>
    avatar.evaluate((element) => {
      const image = element as unknown as { tagName: string; complete: boolean; naturalWidth: number };
      return image.tagName === 'IMG' && image.complete && image.naturalWidth > 0;
    });

  await test.step('upload a photo: it shows in the header', async () => {
    await expect(page.getByRole('button', { name: 'Upload photo' })).toBeVisible();
    await page.getByLabel('Photo', { exact: true }).setInputFiles(PHOTO);
    await expect(page.getByRole('button', { name: 'Remove photo' })).toBeVisible();
    await expect.poll(photoLoaded, { message: 'the header avatar is a loaded photo' }).toBe(true);
  });

  await test.step('after a reload the name, bio and photo are still there', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue(renamed);
    await expect(page.getByLabel('Bio', { exact: true })).toHaveValue(
      'Rear admiral; wrote the first compiler.\nFound a moth.',
    );
    await expect.poll(photoLoaded, { message: 'the header avatar is a loaded photo' }).toBe(true);
  });

  await checkScreen(page, testInfo, 'profile-photo');
});
