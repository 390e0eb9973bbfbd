import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const appsScript = join(import.meta.dirname, 'apps.sh');
const apps = (command: 'up' | 'down') => execFileSync('bash', [appsScript, command], { stdio: 'inherit' });

/**
 * Starts every Relay process fresh for the run (apps.sh stops what it started if it fails halfway)
 * and returns the teardown that stops them by pid, which Playwright runs after the last test,
 * failed or not.
 */
export default function globalSetup(): () => void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install it with \`bash infra/local/stack.sh install\` or ./relay up`,
    );
  const started = Date.now();
  apps('up');
  console.log(`web E2E: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return () => apps('down');
}
