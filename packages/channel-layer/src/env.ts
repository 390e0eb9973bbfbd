import { z } from 'zod';

export const channelLayerEnv = {
  /** Keeps deployments that share one Redis apart. */
  CHANNEL_LAYER_PREFIX: z.string().min(1).default('relay'),
};
