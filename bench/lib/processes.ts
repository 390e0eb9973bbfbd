import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Benchmarks run against the local stack; its generated secrets live here. */
export function loadLocalEnv(): void {
  const file = join(ROOT, '.local/relay.env');
  if (existsSync(file) && process.env.S3_SECRET_ACCESS_KEY === undefined) process.loadEnvFile(file);
}

export interface BenchProcess {
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Starts a service entry point as its own process, as production runs it; when `readyUrl`
 * is given, waits until it answers 2xx.
 */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  readyUrl?: string,
): Promise<BenchProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, entry)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (readyUrl !== undefined) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not ready within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { pid: child.pid ?? 0, stop };
}

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kib / 1024;
}
