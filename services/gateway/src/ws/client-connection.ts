import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  ClientFrame,
  type ServerFrame,
  WS_MAX_FRAME_BYTES,
  WsCloseCode,
  type WsErrorCode,
} from '@relay/contracts';
import {
  type AccessTokenClaims,
  AppError,
  CommonErrorCode,
  commonError,
  inSpan,
  type JwtVerifier,
  type Logger,
  SpanKind,
} from '@relay/platform';
import type { RateLimiter } from '@relay/redis';
import type { WebSocket } from 'ws';
import type { ChatsService } from '../chats/chats.service.ts';
import type { ActivityService } from '../messages/activity.service.ts';
import { ReadReceiptCoalescer } from '../messages/read-receipts.coalescer.ts';
import type { RoomMember, Rooms } from '../messages/rooms.service.ts';
import type { SendMessageService } from '../messages/send-message.service.ts';
import { consumeOrRefuse } from '../rate-limit.ts';
import type { TurnWrites } from './turn-writes.ts';
import { NOT_THE_CLIENTS_FAULT, wsErrorCode } from './ws.errors.ts';

export interface ConnectionDeps {
  rooms: Rooms;
  sendMessage: SendMessageService;
  activity: ActivityService;
  chats: ChatsService;
  verify: JwtVerifier;
  logger: Logger;
  /** A slow reader past this much unsent data is closed; it reconnects and replays. */
  maxBufferedBytes: number;
  /** Subscribes per connection, keyed by connection id: each one reads Redis and may replay. */
  subscribeLimiter: RateLimiter;
  /** Read receipts leave at most once per this interval per chat (the newest wins). */
  readReceiptIntervalMs: number;
}

const KNOWN_TYPES = new Set<string>(ClientFrame.options.map((option) => option.shape.type.value));
/** Error frames tolerated per window before the connection counts as abusive. */
const MAX_ERRORS = 50;
const ERROR_WINDOW_MS = 10_000;
const TYPING_INTERVAL_MS = 1000;
/** Hoisted: a frame allocates nothing for tracing while it is off. */
const FRAME_SPAN = { kind: SpanKind.SERVER };

/** Where a connection's frames go out: its TCP socket, held corked for the rest of a turn. */
export interface ConnectionOutput {
  tcp: Socket;
  turnWrites: TurnWrites;
}

/** One client's WebSocket: parses frames, checks them, and speaks the `relay.v1` protocol. */
export class ClientConnection implements RoomMember {
  readonly connectionId = randomUUID();
  readonly #socket: WebSocket;
  readonly #output: ConnectionOutput;
  readonly #deps: ConnectionDeps;
  /** Made at the first log line: most connections never write one, and each child logger costs memory. */
  #connectionLogger: Logger | undefined;
  #claims: AccessTokenClaims;
  #accessToken: string;
  #expiry: NodeJS.Timeout | undefined;
  readonly #subscribed = new Set<string>();
  /** Made at the first typing frame, like the read-receipt coalescer: idle sockets hold neither. */
  #lastTyping: Map<string, number> | undefined;
  /** Sends are admitted one after another, so they reach Kafka in the order the client sent them. */
  #admission: Promise<void> = Promise.resolve();
  #errors: number[] = [];
  #readReceipts: ReadReceiptCoalescer | undefined;
  /** Joining the user's own group; awaited before leaving it. */
  readonly #userChannel: Promise<void>;
  alive = true;

  constructor(
    socket: WebSocket,
    output: ConnectionOutput,
    claims: AccessTokenClaims,
    accessToken: string,
    deps: ConnectionDeps,
  ) {
    this.#socket = socket;
    this.#output = output;
    this.#claims = claims;
    this.#accessToken = accessToken;
    this.#deps = deps;
    this.#scheduleExpiry(accessToken);
    this.#userChannel = deps.rooms.joinUserChannel(this).catch((err) => {
      // Without it the client would miss its conversions' status: it reconnects and tries again.
      this.#logger.warn({ err }, "could not join the user's own group");
      this.reconnect('status updates unavailable; reconnect');
    });
    socket.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('close', () => void this.#onClose());
    socket.on('error', (err) => this.#logger.debug({ err }, 'socket error'));
  }

  get #logger(): Logger {
    this.#connectionLogger ??= this.#deps.logger.child({
      connectionId: this.connectionId,
      userId: this.userId,
    });
    return this.#connectionLogger;
  }

  get userId(): string {
    return this.#claims.sub;
  }

  get accessToken(): string {
    return this.#accessToken;
  }

  deliver(frame: ServerFrame): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    if (this.#socket.bufferedAmount > this.#deps.maxBufferedBytes) {
      this.#logger.warn({ bufferedBytes: this.#socket.bufferedAmount }, 'closing a reader that fell behind');
      this.#socket.close(WsCloseCode.tryAgainLater, 'too slow; reconnect and resubscribe');
      return;
    }
    this.#output.turnWrites.hold(this.#output.tcp);
    this.#socket.send(serialized(frame));
  }

  /** Run on each heartbeat: a session ended since connecting (logout, password reset) ends the socket. */
  async recheckToken(): Promise<void> {
    try {
      await this.#deps.verify(this.#accessToken);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 401) return;
      this.deliver({ type: 'error', code: wsErrorCode(error), message: error.detail ?? error.title });
      this.close(WsCloseCode.tokenExpired, 'session ended');
    }
  }

  reconnect(reason: string): void {
    this.close(WsCloseCode.tryAgainLater, reason);
  }

  close(code: number, reason: string): void {
    this.#socket.close(code, reason);
  }

  terminate(): void {
    this.#socket.terminate();
  }

  ping(): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.ping();
  }

  /** Each frame in a trace (and correlation scope) of its own: its log lines, Kafka events and calls share one id. */
  #onMessage(data: Buffer, isBinary: boolean): void {
    inSpan('ws frame', FRAME_SPAN, () => {
      const frame = this.#parse(data, isBinary);
      if (frame !== undefined) this.#handle(frame);
    });
  }

  /** The frame, or undefined after answering with an `error` frame that says what is wrong. */
  #parse(data: Buffer, isBinary: boolean): ClientFrame | undefined {
    if (isBinary) {
      this.#error('bad_frame', 'Frames are JSON text.');
      return undefined;
    }
    if (data.byteLength > WS_MAX_FRAME_BYTES) {
      this.#error('frame_too_large', `Frames are at most ${WS_MAX_FRAME_BYTES} bytes.`);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      this.#error('bad_frame', 'The frame is not valid JSON.');
      return undefined;
    }
    const parsed = ClientFrame.safeParse(json);
    if (parsed.success) return parsed.data;
    const type = (json as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
      this.#error('unknown_type', `Unknown frame type ${JSON.stringify(type ?? null)}.`);
      return undefined;
    }
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'frame';
    this.#error('bad_frame', `${type}: ${where}: ${issue?.message ?? 'invalid'}`, {
      clientMsgId: (json as { clientMsgId?: unknown }).clientMsgId,
    });
    return undefined;
  }

  #handle(frame: ClientFrame): void {
    switch (frame.type) {
      case 'ping':
        this.deliver({ type: 'pong' });
        break;
      case 'subscribe':
        void this.#guard(frame.chatId, undefined, () => this.#subscribe(frame.chatId, frame.afterMessageId));
        break;
      case 'unsubscribe':
        void this.#guard(frame.chatId, undefined, async () => {
          this.#subscribed.delete(frame.chatId);
          await this.#deps.rooms.leave(this, frame.chatId);
          this.deliver({ type: 'unsubscribed', chatId: frame.chatId });
        });
        break;
      case 'message.send':
        this.#send(frame);
        break;
      case 'message.read':
        void this.#guard(frame.chatId, undefined, async () => {
          await this.#requireMember(frame.chatId);
          this.#readReceipts ??= new ReadReceiptCoalescer(
            (chatId, messageId) =>
              void this.#guard(chatId, undefined, () =>
                this.#deps.activity.markRead(this.userId, chatId, messageId),
              ),
            this.#deps.readReceiptIntervalMs,
          );
          this.#readReceipts.mark(frame.chatId, frame.messageId);
        });
        break;
      case 'typing':
        void this.#guard(frame.chatId, undefined, () => this.#typing(frame.chatId));
        break;
      case 'auth.refresh':
        void this.#guard(undefined, undefined, () => this.#refresh(frame.accessToken));
        break;
    }
  }

  async #subscribe(chatId: string, afterMessageId: string | undefined): Promise<void> {
    await consumeOrRefuse(this.#deps.subscribeLimiter, this.connectionId, 'Subscribing too often');
    await this.#requireMember(chatId);
    this.#subscribed.add(chatId);
    await this.#deps.rooms.join(this, chatId, afterMessageId);
  }

  /** Each admission waits for the one before it (the client's order); the checks and the sends overlap. */
  #send(frame: Extract<ClientFrame, { type: 'message.send' }>): void {
    const { chatId, clientMsgId, body } = frame;
    const sender = { userId: this.userId, connectionId: this.connectionId };
    const admitted = this.#deps.sendMessage.admit(sender, { chatId, clientMsgId, body }, this.#admission);
    this.#admission = admitted.then(
      () => undefined,
      () => undefined,
    );
    void this.#guard(chatId, clientMsgId, async () => {
      const accepted = await (await admitted).sent;
      this.deliver({ type: 'message.ack', chatId, clientMsgId, ...accepted });
    });
  }

  async #typing(chatId: string): Promise<void> {
    const now = Date.now();
    this.#lastTyping ??= new Map();
    if (now - (this.#lastTyping.get(chatId) ?? 0) < TYPING_INTERVAL_MS) return;
    this.#lastTyping.set(chatId, now);
    await this.#requireMember(chatId);
    await this.#deps.activity.typing(this.userId, chatId);
  }

  async #refresh(accessToken: string): Promise<void> {
    const claims = await this.#deps.verify(accessToken);
    if (claims.sub !== this.#claims.sub)
      throw commonError(CommonErrorCode.Forbidden, { detail: 'The token is for another user.' });
    this.#claims = claims;
    this.#accessToken = accessToken;
    const expiresAt = this.#scheduleExpiry(accessToken);
    this.deliver({ type: 'auth.refreshed', expiresAt: new Date(expiresAt).toISOString() });
  }

  #requireMember(chatId: string): Promise<void> {
    return this.#deps.chats.requireMember(chatId, this.userId);
  }

  /** Runs a frame's work; any failure becomes an `error` frame, never an unhandled rejection. */
  async #guard(chatId: string | undefined, clientMsgId: string | undefined, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      const context = { chatId, clientMsgId };
      if (error instanceof AppError)
        return this.#error(wsErrorCode(error), error.detail ?? error.title, context);
      this.#logger.error({ err: error, chatId }, 'frame handling failed');
      this.#error('internal', 'Something went wrong; try again.', context);
    }
  }

  #error(code: WsErrorCode, message: string, context: { chatId?: string; clientMsgId?: unknown } = {}): void {
    const frame: ServerFrame = { type: 'error', code, message };
    if (typeof context.clientMsgId === 'string') frame.clientMsgId = context.clientMsgId.slice(0, 64);
    if (context.chatId !== undefined) frame.chatId = context.chatId;
    this.deliver(frame);
    if (NOT_THE_CLIENTS_FAULT.has(code)) return;
    const now = Date.now();
    this.#errors = this.#errors.filter((at) => now - at < ERROR_WINDOW_MS);
    this.#errors.push(now);
    if (this.#errors.length > MAX_ERRORS) this.close(WsCloseCode.abuse, 'too many bad frames');
  }

  /** Closes with 4401 when the access token runs out, unless a fresh one arrived. */
  #scheduleExpiry(accessToken: string): number {
    clearTimeout(this.#expiry);
    const expiresAt = tokenExpiry(accessToken);
    this.#expiry = setTimeout(
      () => {
        this.deliver({
          type: 'error',
          code: 'token_expired',
          message: 'The access token expired; reconnect with a fresh one.',
        });
        this.close(WsCloseCode.tokenExpired, 'token expired');
      },
      Math.max(0, expiresAt - Date.now()),
    );
    this.#expiry.unref();
    return expiresAt;
  }

  async #onClose(): Promise<void> {
    clearTimeout(this.#expiry);
    this.#readReceipts?.close();
    await this.#deps.rooms.leaveAll(this, this.#subscribed);
    this.#subscribed.clear();
    await this.#userChannel;
    await this.#deps.rooms.leaveUserChannel(this);
  }
}

/** Frames shared by a room's members (rooms.service.ts) are serialized once, by the first to send one. */
const serializedFrames = new WeakMap<ServerFrame, string>();

function serialized(frame: ServerFrame): string {
  let json = serializedFrames.get(frame);
  if (json === undefined) {
    json = JSON.stringify(frame);
    serializedFrames.set(frame, json);
  }
  return json;
}

/** `exp` of a token that was already verified, in ms. */
function tokenExpiry(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp?: number;
  };
  return (payload.exp ?? 0) * 1000;
}
