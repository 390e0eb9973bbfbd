import { redisEnv } from '@relay/channel-layer';
import { kafkaEnv } from '@relay/kafka';
import { smtpEnv } from '@relay/mailer';
import { s3Env } from '@relay/object-storage';
import { baseEnv, loadConfig, port, secret } from '@relay/platform';
import { z } from 'zod';

export const gatewayEnv = {
  ...baseEnv,
  ...redisEnv,
  ...kafkaEnv,
  ...s3Env,
  ...smtpEnv,
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port(8000),
  GATEWAY_DATABASE_URL: secret(z.url()),
  CONVERT_URL: z.url().default('http://127.0.0.1:8001'),
  CHAT_URL: z.url().default('http://127.0.0.1:8002'),
  PUBLIC_WEB_URL: z.url().default('http://127.0.0.1:8080'),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewayEnv, env);
}
