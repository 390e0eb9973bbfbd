import { expect, test } from './fixtures.ts';

test('the web app is served', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Relay/);
});
