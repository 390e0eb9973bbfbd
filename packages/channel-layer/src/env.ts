import { z } from 'zod';

export const redisEnv = {
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  CHANNEL_LAYER_PREFIX: z.string().min(1).default('relay'),
};
