import closeWithGrace from 'close-with-grace';
import type { Logger } from './logger.ts';
import { stopTracing } from './tracing.ts';

export interface ShutdownStep {
  name: string;
  close: () => Promise<void>;
}

/** How long a process may take to close after SIGTERM; an orchestrator's grace period is set above it. */
export const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * Closes in the given order on SIGTERM/SIGINT or a fatal error: callers list
 * "stop accepting" first, then drain, then commit, then the connections.
 */
export function handleShutdown(
  logger: Logger,
  steps: readonly ShutdownStep[],
  timeoutMs = SHUTDOWN_TIMEOUT_MS,
): void {
  closeWithGrace({ delay: timeoutMs }, async ({ signal, err }) => {
    if (err !== undefined) logger.fatal({ err }, 'fatal error, shutting down');
    else logger.info({ signal }, 'shutting down');
    // Traces last: the steps' own spans are flushed too.
    await runShutdownSteps(logger, [...steps, { name: 'tracing', close: stopTracing }]);
    logger.info('shut down cleanly');
  });
}

/** Runs every step even when one fails, so one broken connection cannot keep the others open. */
async function runShutdownSteps(logger: Logger, steps: readonly ShutdownStep[]): Promise<void> {
  for (const step of steps) {
    try {
      await step.close();
    } catch (err) {
      logger.error({ err, step: step.name }, 'shutdown step failed');
    }
  }
}
