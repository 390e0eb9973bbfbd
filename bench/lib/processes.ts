import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@relay/testing';

/** Benchmarks run against the local stack; its generated secrets live here. */
export function loadLocalEnv(): void {
  const file = join(ROOT, '.local/relay.env');
  if (existsSync(file) && process.env.S3_SECRET_ACCESS_KEY === undefined) process.loadEnvFile(file);
}
