import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StartOptions {
  env?: Record<string, string>;
  /** Waits until this URL answers 2xx. */
  readyUrl?: string;
  /** Waits until the output (stdout + stderr) matches this. */
  readyOutput?: RegExp;
  timeoutMs?: number;
}

export interface ServiceProcess {
  pid: number;
  /** Everything it wrote so far (stdout and stderr), for assertions and failure messages. */
  output: () => string;
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop: () => Promise<void>;
  /** Sends a signal and waits for the exit (`kill -9` is how fault tests crash a process). */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

const running = new Set<ServiceProcess>();

/**
 * Starts a service entry point as its own process, as production runs it. Every process
 * started here is stopped by `stopAllProcesses` (call it in afterAll), even after a failure.
 */
export function startProcess(entry: string, options: StartOptions = {}): Promise<ServiceProcess> {
  return startCommand(process.execPath, [entry], options);
}

/** Like `startProcess`, for a program that is not a Node entry point (HAProxy, say). */
export async function startCommand(
  file: string,
  args: string[],
  options: StartOptions = {},
): Promise<ServiceProcess> {
  const commandLine = [file, ...args].join(' ');
  const child: ChildProcess = spawn(file, args, {
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const waitFor = async (label: string, done: () => Promise<boolean> | boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `${commandLine} exited (${child.exitCode ?? child.signalCode}) before ${label}:\n${output.slice(-4000)}`,
        );
      if (Date.now() > deadline)
        throw new Error(`${commandLine}: no ${label} within ${timeoutMs} ms:\n${output.slice(-4000)}`);
      await sleep(100);
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
    running.delete(service);
  };
  const service: ServiceProcess = {
    pid: child.pid ?? 0,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      waitFor(`output ${pattern}`, () => pattern.test(output), timeoutMs),
    kill,
    stop: async () => {
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await kill('SIGTERM');
      clearTimeout(force);
    },
  };
  running.add(service);
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    if (options.readyUrl !== undefined) {
      const url = options.readyUrl;
      await waitFor(
        `answer at ${url}`,
        async () => {
          try {
            return (await fetch(url)).ok;
          } catch {
            return false;
          }
        },
        timeoutMs,
      );
    }
    if (options.readyOutput !== undefined) await service.waitForOutput(options.readyOutput, timeoutMs);
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
  return service;
}

/**
 * SIGTERM, as an orchestrator stops a process, and no SIGKILL after it: the process must finish its
 * work and exit by itself, logging a clean shutdown within `boundMs`.
 */
export async function stopGracefully(service: ServiceProcess, boundMs: number): Promise<void> {
  const started = performance.now();
  await service.kill('SIGTERM');
  const tookMs = Math.round(performance.now() - started);
  if (!/shut down cleanly/.test(service.output()))
    throw new Error(`no clean shutdown after SIGTERM:\n${service.output().slice(-3000)}`);
  if (tookMs > boundMs)
    throw new Error(`took ${tookMs} ms to stop after SIGTERM, over its ${boundMs} ms bound`);
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((service) => service.stop()));
}

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kib / 1024;
}

/** A free TCP port on loopback (bound then released). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
