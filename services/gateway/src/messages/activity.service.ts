import type { ChannelLayer } from '@relay/channel-layer';
import { ChatServiceTopic, Groups } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';

/** What members signal besides messages: read receipts (durable, via Kafka) and typing (live only). */
export class ActivityService {
  readonly #producer: EventProducer;
  readonly #channelLayer: ChannelLayer;

  constructor(producer: EventProducer, channelLayer: ChannelLayer) {
    this.#producer = producer;
    this.#channelLayer = channelLayer;
  }

  async markRead(userId: string, chatId: string, messageId: string): Promise<void> {
    await this.#producer.publishEvents(ChatServiceTopic, [
      { type: 'chat.message.read', payload: { chatId, userId, messageId, readAt: new Date().toISOString() } },
    ]);
    await this.#channelLayer.groupSend(Groups.chat(chatId), { type: 'chat.read', chatId, userId, messageId });
  }

  async typing(userId: string, chatId: string): Promise<void> {
    await this.#channelLayer.groupSend(Groups.chat(chatId), { type: 'chat.typing', chatId, userId });
  }
}
