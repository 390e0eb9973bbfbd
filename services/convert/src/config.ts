import { channelLayerEnv } from '@relay/channel-layer';
import { jobsEnv } from '@relay/jobs';
import { s3Env } from '@relay/object-storage';
import { baseEnv, jwtEnv, loadConfig, port, secret } from '@relay/platform';
import { redisEnv } from '@relay/redis';
import { z } from 'zod';
import { enginesEnv } from './engines/engines.ts';

const HOUR_MS = 3_600_000;

export const convertEnv = {
  ...baseEnv,
  ...redisEnv,
  ...channelLayerEnv,
  ...s3Env,
  ...jobsEnv,
  ...jwtEnv,
  ...enginesEnv,
  HOST: z.string().default('127.0.0.1'),
  CONVERT_PORT: port(8001),
  CONVERT_DATABASE_URL: secret(z.url()),
  /** Where convert-api fetches the gateway's public keys to verify access tokens. */
  GATEWAY_JWKS_URL: z.url().default('http://127.0.0.1:8000/.well-known/jwks.json'),
  /** The largest upload accepted, in bytes (the gateway refuses larger ones before they get here). */
  CONVERT_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** Most files one merge (`merge=true`) may join; CONVERT_MAX_UPLOAD_BYTES applies to their sum. */
  CONVERT_MERGE_MAX_FILES: z.coerce.number().int().min(2).max(100).default(20),
  /**
   * AES-256 key (32 bytes, base64) that encrypts the password of a protected upload while it waits in
   * Redis for its job; generated locally by infra/local/env.sh. Shared by convert-api and convert-worker.
   */
  CONVERT_PASSWORD_KEY: secret(
    z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  ),
  /** A password waits this long for its job at most (deleted as soon as the job ends). */
  CONVERT_PASSWORD_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
  /** How long a download link stays valid. */
  CONVERT_DOWNLOAD_LINK_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** Originals and results are removed this long after the job was made; the row says `expired`. */
  CONVERT_RETENTION_HOURS: z.coerce
    .number()
    .min(0.001)
    .default(7 * 24),
  /** How often the retention sweep runs. */
  CONVERT_RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).default(HOUR_MS),
  /**
   * Jobs one owner may have queued and converting at once; more answer 429. Within it, the queue
   * alternates between owners (see fair-share.ts), so one person's flood cannot starve another.
   */
  CONVERT_MAX_ACTIVE_PER_USER: z.coerce.number().int().min(1).max(10_000).default(25),
  /** Attempts per job (an instance crash, a remote 5xx) before it is failed with a reason. */
  CONVERT_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /**
   * A job whose worker stops renewing its lock this long (the worker was killed) is handed to
   * another worker; also how often stalled jobs are looked for.
   */
  CONVERT_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** convert-worker's /healthz, /readyz and /metrics. */
  CONVERT_WORKER_PORT: port(8003),
};

export type ConvertConfig = ReturnType<typeof loadConvertConfig>;

export function loadConvertConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(convertEnv, env);
}
