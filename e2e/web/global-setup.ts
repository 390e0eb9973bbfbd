import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerGroups, Topics } from '@relay/contracts';
import { committedOffsets, endOffsets, kafkaBrokers } from '@relay/testing';

const CHROMIUM = '/usr/bin/chromium';
const CATCH_UP_TIMEOUT_MS = 180_000;
const appsScript = join(import.meta.dirname, 'apps.sh');
const apps = (command: 'up' | 'down') => execFileSync('bash', [appsScript, command], { stdio: 'inherit' });

/**
 * chat-consumer's group starts at the topic's first record, as a new deployment must, so the stack's
 * consumer first persists what the integration and system tests produced before it (~120,000
 * records a run). A flow that reloads its history early would race that backlog: wait it out.
 */
async function chatConsumerCaughtUp(): Promise<void> {
  const brokers = kafkaBrokers();
  const topic = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}${Topics.chat}`;
  const started = Date.now();
  const ends = await endOffsets(brokers, topic);
  for (;;) {
    const committed = await committedOffsets(brokers, ConsumerGroups.chatService, topic);
    const behind = ends.reduce((sum, end, partition) => {
      const lag = end - (committed[partition] ?? 0n);
      return lag > 0n ? sum + lag : sum;
    }, 0n);
    if (behind === 0n) {
      console.log(`web E2E: chat-consumer caught up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if (Date.now() - started > CATCH_UP_TIMEOUT_MS)
      throw new Error(`web E2E: chat-consumer is still ${behind} records behind on ${topic} after 3 minutes`);
    await sleep(500);
  }
}

/**
 * Starts every Relay process fresh for the run (apps.sh stops what it started if it fails halfway),
 * waits until chat-consumer has persisted what was there before, and returns the teardown that
 * stops them by pid, which Playwright runs after the last test, failed or not.
 */
export default async function globalSetup(): Promise<() => void> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install it with \`bash infra/local/stack.sh install\` or ./relay up`,
    );
  const started = Date.now();
  apps('up');
  console.log(`web E2E: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    await chatConsumerCaughtUp();
  } catch (error) {
    apps('down');
    throw error;
  }
  return () => apps('down');
}
