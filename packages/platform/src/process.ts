import { ConfigError } from './config.ts';
import { startTracing } from './tracing.ts';

/**
 * Entry-point wrapper: tracing starts first (under `name`, the service name in traces); a bad
 * configuration ends the process with exit code 78 (EX_CONFIG) and a message naming each
 * variable; any other start-up failure with 1.
 */
export function runProcess(name: string, start: () => Promise<void>): void {
  const started = async () => {
    startTracing(name);
    await start();
  };
  started().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: refusing to start. ${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(
      `${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
