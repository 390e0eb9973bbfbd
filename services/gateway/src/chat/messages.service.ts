import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelLayer } from '@relay/channel-layer';
import { type ChatMessage, Groups } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import { AppError, CommonErrorCode, type Logger } from '@relay/platform';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../rate-limit.ts';
import { ChatErrorCode } from './chat.errors.ts';
import { chatEvent, publishChatEvents } from './chat-events.ts';
import { messageIdFor } from './message-id.ts';
import { messageOnceKey } from './rooms.ts';

export interface Sender {
  userId: string;
  connectionId: string;
}

export interface SendRequest {
  chatId: string;
  clientMsgId: string;
  body: string;
}

export interface Accepted {
  messageId: string;
  sentAt: string;
}

export interface MessagesServiceOptions {
  producer: EventProducer;
  channelLayer: ChannelLayer;
  logger: Logger;
  /** Average messages per second per user, over a 10 s window (bursts up to 10× pass). */
  ratePerSecond: number;
  /** How long to keep retrying the Redis step of an accepted message before giving up. */
  recordRetryMs?: number;
}

const clientMsgIdReused = (clientMsgId: string) =>
  new AppError({
    code: ChatErrorCode.ClientMsgIdReused,
    status: 409,
    title: 'Conflict',
    detail: `clientMsgId ${JSON.stringify(clientMsgId)} already names another message in this chat; send this one with a new id.`,
  });

const unavailable = (detail: string, cause?: unknown) =>
  new AppError({
    code: CommonErrorCode.DependencyUnavailable,
    status: 503,
    title: 'Service Unavailable',
    detail,
    cause,
  });

/**
 * The send path. Kafka first: a message exists once the broker acked it (acks=all,
 * idempotent producer), and only then is it recorded in the chat's recent stream and
 * sent to the room, which is what makes the ack a promise that it is never lost.
 */
export class MessagesService {
  readonly #producer: EventProducer;
  readonly #channelLayer: ChannelLayer;
  readonly #logger: Logger;
  readonly #rate: RateLimiterMemory;
  readonly #recordRetryMs: number;

  constructor(options: MessagesServiceOptions) {
    this.#producer = options.producer;
    this.#channelLayer = options.channelLayer;
    this.#logger = options.logger.child({ component: 'messages' });
    this.#rate = new RateLimiterMemory({ points: options.ratePerSecond * 10, duration: 10 });
    this.#recordRetryMs = options.recordRetryMs ?? 30_000;
  }

  /** Throws a 429 AppError when the user sends faster than allowed. */
  admit(userId: string): Promise<void> {
    return consumeOrRefuse(this.#rate, userId, 'Sending too fast');
  }

  /**
   * Produces the message; call in the order the sender sent them (the producer keeps call
   * order). Returns the promise of the whole send: produced, recorded, sent to the room.
   */
  send(sender: Sender, request: SendRequest): Promise<Accepted> {
    const message: ChatMessage = {
      messageId: messageIdFor(sender.userId, request.chatId, request.clientMsgId),
      chatId: request.chatId,
      senderId: sender.userId,
      clientMsgId: request.clientMsgId,
      body: request.body,
      sentAt: new Date().toISOString(),
    };
    const produced = publishChatEvents(this.#producer, [chatEvent('chat.message.created', message)]);
    return produced.then(
      () => this.#record(message, sender.connectionId),
      (error: unknown) => {
        throw unavailable('The message could not be stored; send it again.', error);
      },
    );
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

  /**
   * Records and room-sends once per message id (a resend only re-acks). Kafka already has
   * the message, so a Redis outage is waited out rather than reported as a failed send.
   */
  async #record(message: ChatMessage, origin: string): Promise<Accepted> {
    const group = Groups.chat(message.chatId);
    const deadline = Date.now() + this.#recordRetryMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { position, sent } = await this.#channelLayer.groupSendRecorded(
          group,
          { type: 'chat.message', message, origin },
          messageOnceKey(message.chatId, message.messageId),
        );
        if (sent) return { messageId: message.messageId, sentAt: message.sentAt };
        const first = await this.#channelLayer.recordedAt(group, position);
        if (first?.type !== 'chat.message') return { messageId: message.messageId, sentAt: message.sentAt };
        // The store keeps the first message with this id: acking another body would promise one
        // that never exists.
        if (first.message.body !== message.body) throw clientMsgIdReused(message.clientMsgId);
        return { messageId: message.messageId, sentAt: first.message.sentAt };
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (Date.now() >= deadline) {
          throw unavailable('The message is stored but could not be delivered yet; send it again.', error);
        }
        if (attempt === 0)
          this.#logger.warn({ err: error, chatId: message.chatId }, 'recording a message failed; retrying');
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }
}
