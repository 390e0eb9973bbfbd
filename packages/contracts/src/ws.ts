import { z } from 'zod';
import { ChatMessage } from './chats.ts';
import { ConversionStatusChanged } from './conversions.ts';
import { ChatId, ClientMsgId, MessageBody, MessageId } from './events.ts';

/** WebSocket subprotocol: bumping it is how the frame format is versioned. */
export const WS_PROTOCOL = 'relay.v1';
/** Frames above this get an `error` frame; far larger ones close the socket (1009). */
export const WS_MAX_FRAME_BYTES = 16 * 1024;
/** Browsers cannot set headers on a WebSocket, so the token rides as a second subprotocol. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'relay.token.';

/** Close codes beyond the standard ones (4000–4999 are the application's). */
export const WsCloseCode = {
  normal: 1000,
  goingAway: 1001,
  tooLarge: 1009,
  /** The server cannot keep this connection's stream whole right now: reconnect and resubscribe. */
  tryAgainLater: 1013,
  tokenExpired: 4401,
  forbidden: 4403,
  abuse: 4429,
} as const;

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), chatId: ChatId, afterMessageId: MessageId.optional() }),
  z.object({ type: z.literal('unsubscribe'), chatId: ChatId }),
  z.object({
    type: z.literal('message.send'),
    chatId: ChatId,
    clientMsgId: ClientMsgId,
    body: MessageBody,
  }),
  z.object({ type: z.literal('message.read'), chatId: ChatId, messageId: MessageId }),
  z.object({ type: z.literal('typing'), chatId: ChatId }),
  z.object({ type: z.literal('auth.refresh'), accessToken: z.string().min(1) }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const WsErrorCode = z.enum([
  'bad_frame',
  'frame_too_large',
  'unknown_type',
  'unauthorized',
  'token_expired',
  'forbidden',
  'rate_limited',
  /** `subscribe`'s afterMessageId is no message of that chat: subscribe without it and load history. */
  'unknown_message',
  /** The clientMsgId already names another message of this chat. */
  'conflict',
  'unavailable',
  'internal',
]);
export type WsErrorCode = z.infer<typeof WsErrorCode>;

export const ServerFrame = z.discriminatedUnion('type', [
  /** Sent after the replay of what the client missed (`replayed` messages), before live ones. */
  z.object({ type: z.literal('subscribed'), chatId: ChatId, replayed: z.number().int().min(0) }),
  z.object({ type: z.literal('unsubscribed'), chatId: ChatId }),
  z.object({ type: z.literal('auth.refreshed'), expiresAt: z.iso.datetime() }),
  z.object({
    type: z.literal('message.ack'),
    /** With clientMsgId, names the send: clients may number their messages per chat. */
    chatId: ChatId,
    clientMsgId: z.string(),
    messageId: MessageId,
    sentAt: z.iso.datetime(),
  }),
  z.object({ type: z.literal('message.new'), message: ChatMessage }),
  z.object({ type: z.literal('message.read'), chatId: ChatId, userId: z.uuid(), messageId: MessageId }),
  z.object({ type: z.literal('typing'), chatId: ChatId, userId: z.uuid() }),
  z.object({ type: z.literal('conversion.status'), status: ConversionStatusChanged }),
  /** The user became a member of this chat (on any device): list it without a reload. */
  z.object({ type: z.literal('chat.joined'), chatId: ChatId }),
  z.object({
    type: z.literal('error'),
    code: WsErrorCode,
    message: z.string(),
    /** Echoes the frame it answers, where one can be named. */
    clientMsgId: z.string().optional(),
    chatId: ChatId.optional(),
  }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
