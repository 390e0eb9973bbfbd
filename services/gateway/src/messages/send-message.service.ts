import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelLayer } from '@relay/channel-layer';
import { type ChatMessage, ChatServiceTopic } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import { AppError, type Logger } from '@relay/platform';
import type { RateLimiter } from '@relay/redis';
import { clientMsgIdReused, messageUnavailable } from '../chats/chats.errors.ts';
import type { ChatsService } from '../chats/chats.service.ts';
import { consumeOrRefuse } from '../rate-limit.ts';
import { messageIdFor } from './message-id.ts';
import { recordOnce } from './recent-stream.repository.ts';

export interface Sender {
  userId: string;
  /** The sender's own connection hears its message as the ack, not as a `message.new`. */
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

/** An admitted message: already on its way to Kafka, in admission order. */
export interface Admitted {
  sent: Promise<Accepted>;
}

export interface SendMessageOptions {
  chats: ChatsService;
  producer: EventProducer;
  channelLayer: ChannelLayer;
  logger: Logger;
  /** Messages per user, keyed by user id; shared by every gateway process. */
  rate: RateLimiter;
  /** How long to keep retrying the Redis step of a message Kafka has before giving up. */
  recordRetryMs?: number;
}

/**
 * Sending a chat message, the whole story in order.
 *
 * Phase 1, `admit` — call it in the order the client sent its messages, passing the previous
 * admission as `turn`: the sender must be a member of the chat and within their rate; then the
 * message gets its id and is handed to the producer, which keeps call order, so a chat's messages
 * reach Kafka in the order the client sent them.
 *
 * Phase 2, `Admitted.sent` — overlaps with later admissions: Kafka acks (acks=all, idempotent
 * producer) and from then on the message exists; then it is recorded in the chat's recent stream
 * and sent to the room, once per id. Only then is it acked, which is what makes an ack a promise
 * that the message is never lost. A resend (same clientMsgId) is the same message: it re-acks.
 */
export class SendMessageService {
  readonly #chats: ChatsService;
  readonly #producer: EventProducer;
  readonly #channelLayer: ChannelLayer;
  readonly #logger: Logger;
  readonly #rate: RateLimiter;
  readonly #recordRetryMs: number;

  constructor(options: SendMessageOptions) {
    this.#chats = options.chats;
    this.#producer = options.producer;
    this.#channelLayer = options.channelLayer;
    this.#logger = options.logger.child({ component: 'send-message' });
    this.#rate = options.rate;
    this.#recordRetryMs = options.recordRetryMs ?? 30_000;
  }

  /**
   * Phase 1. Membership is checked at once (side by side with the connection's earlier messages);
   * the rate is taken in turn — after the previous message's admission — so a burst over the limit
   * loses its last messages, not arbitrary ones; then the message goes to the producer in turn too.
   */
  async admit(
    sender: Sender,
    request: SendRequest,
    turn: Promise<void> = Promise.resolve(),
  ): Promise<Admitted> {
    const member = this.#chats.requireMember(request.chatId, sender.userId);
    // Awaited below; this only keeps a refusal that comes before our turn from counting as unhandled.
    member.catch(() => undefined);
    await turn;
    await member;
    await consumeOrRefuse(this.#rate, sender.userId, 'Sending too fast');
    const message: ChatMessage = {
      messageId: messageIdFor(sender.userId, request.chatId, request.clientMsgId),
      chatId: request.chatId,
      senderId: sender.userId,
      clientMsgId: request.clientMsgId,
      body: request.body,
      sentAt: new Date().toISOString(),
    };
    // Handed to the producer now, before this returns: that keeps the client's order.
    const produced = this.#producer.publishEvents(ChatServiceTopic, [
      { type: 'chat.message.created', payload: message },
    ]);
    return { sent: this.#afterKafka(produced, message, sender.connectionId) };
  }

  async #afterKafka(produced: Promise<void>, message: ChatMessage, origin: string): Promise<Accepted> {
    try {
      await produced;
    } catch (error) {
      throw messageUnavailable('The message could not be stored; send it again.', error);
    }
    const first = await this.#recordWaitingOutRedis(message, origin);
    // The store keeps the first message with this id: acking another text would promise one
    // that never exists.
    if (first.body !== message.body) throw clientMsgIdReused(message.clientMsgId);
    // In the frame's correlation scope: chat-consumer logs the event under the same id.
    this.#logger.debug({ chatId: message.chatId, messageId: first.messageId }, 'message sent');
    return { messageId: first.messageId, sentAt: first.sentAt };
  }

  /** Kafka already has the message, so a Redis outage is waited out rather than failing the send. */
  async #recordWaitingOutRedis(message: ChatMessage, origin: string): Promise<ChatMessage> {
    const deadline = Date.now() + this.#recordRetryMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await recordOnce(this.#channelLayer, message, origin);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (Date.now() >= deadline) {
          throw messageUnavailable(
            'The message is stored but could not be delivered yet; send it again.',
            error,
          );
        }
        if (attempt === 0)
          this.#logger.warn({ err: error, chatId: message.chatId }, 'recording a message failed; retrying');
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }
}
