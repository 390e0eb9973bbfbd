export {
  ChannelLayer,
  type ChannelLayerOptions,
  comparePositions,
  type GroupSubscriber,
  type Position,
  type RecordedEvent,
} from './channel-layer.ts';
export { channelLayerEnv } from './env.ts';
