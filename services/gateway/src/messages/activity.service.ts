import type { ChannelLayer } from '@relay/channel-layer';
import { Groups } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import { chatEvent, publishChatEvents } from '../chats/chat-events.publisher.ts';

/** What members signal besides messages: read receipts (durable, via Kafka) and typing (live only). */
export class ActivityService {
  readonly #producer: EventProducer;
  readonly #channelLayer: ChannelLayer;

  constructor(producer: EventProducer, channelLayer: ChannelLayer) {
    this.#producer = producer;
    this.#channelLayer = channelLayer;
  }

  async markRead(userId: string, chatId: string, messageId: string): Promise<void> {
    await publishChatEvents(this.#producer, [
      chatEvent('chat.message.read', { chatId, userId, messageId, readAt: new Date().toISOString() }),
    ]);
    await this.#channelLayer.groupSend(Groups.chat(chatId), { type: 'chat.read', chatId, userId, messageId });
  }

  async typing(userId: string, chatId: string): Promise<void> {
    await this.#channelLayer.groupSend(Groups.chat(chatId), { type: 'chat.typing', chatId, userId });
  }
}
