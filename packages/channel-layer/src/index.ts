export { ChannelLayer, type ChannelLayerOptions, type GroupSubscriber } from './channel-layer.ts';
export { redisEnv } from './env.ts';
