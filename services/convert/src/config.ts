import { channelLayerEnv } from '@relay/channel-layer';
import { s3Env } from '@relay/object-storage';
import { baseEnv, loadConfig, port, secret } from '@relay/platform';
import { redisEnv } from '@relay/redis';
import { z } from 'zod';

export const convertEnv = {
  ...baseEnv,
  ...redisEnv,
  ...channelLayerEnv,
  ...s3Env,
  HOST: z.string().default('127.0.0.1'),
  CONVERT_PORT: port(8001),
  CONVERT_DATABASE_URL: secret(z.url()),
};

export type ConvertConfig = ReturnType<typeof loadConvertConfig>;

export function loadConvertConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(convertEnv, env);
}
