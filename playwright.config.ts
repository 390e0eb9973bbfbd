import { defineConfig, devices } from '@playwright/test';

const webPort = process.env.WEB_PORT ?? '8080';

/**
 * The web E2E (`npm run test:web`): Debian's Chromium against the whole stack, which
 * e2e/web/global-setup.ts starts (infra/local/apps.sh, by pid) and stops after the run.
 */
export default defineConfig({
  testDir: 'e2e/web',
  outputDir: 'test-results',
  globalSetup: './e2e/web/global-setup.ts',
  // One browser beside the whole stack on a 2-core machine; flows share nothing but the stack.
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
    // Read by infra/local/test-summary.ts for the run's closing line.
    ['json', { outputFile: '.local/test-results/web.json' }],
  ],
  use: {
    // 127.0.0.1, not localhost: the gateway's CORS allows exactly PUBLIC_WEB_URL (http://127.0.0.1:8080).
    baseURL: `http://127.0.0.1:${webPort}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        // Playwright's own browser download cannot work here; root needs --no-sandbox.
        launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] },
      },
    },
  ],
});
