import { spawn } from 'node:child_process';

export interface EntryPointResult {
  code: number | null;
  stderr: string;
}

/**
 * Runs a service entry point as its own process with exactly `env` (plus PATH) and
 * waits for it to exit; kills it after `timeoutMs` so a test can never hang on it.
 */
export function runEntryPoint(
  path: string,
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<EntryPointResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
