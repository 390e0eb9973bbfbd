import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// Tests run against the local stack; its generated secrets live here (./relay test loads them too).
const localEnv = resolve(import.meta.dirname, '.local/relay.env');
if (existsSync(localEnv) && process.env.S3_SECRET_ACCESS_KEY === undefined) process.loadEnvFile(localEnv);
process.env.LOG_LEVEL ??= 'silent';
