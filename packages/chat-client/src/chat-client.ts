import {
  type ChatMessage,
  type ClientFrame,
  type ConversionStatusChanged,
  ServerFrame,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
  WsCloseCode,
  type WsErrorCode,
} from '@relay/contracts';

/** What a client learns, in the order it learns it. */
export type ChatClientEvent =
  | { type: 'status'; status: ConnectionStatus }
  | { type: 'message'; message: ChatMessage; replayed: boolean }
  /** A message delivered again (after a reconnect, say) and dropped here; counted for metrics and tests. */
  | { type: 'duplicate'; message: ChatMessage }
  | { type: 'ack'; chatId: string; clientMsgId: string; messageId: string; sentAt: string }
  | { type: 'subscribed'; chatId: string; replayed: number }
  | { type: 'read'; chatId: string; userId: string; messageId: string }
  | { type: 'typing'; chatId: string; userId: string }
  /** This user was put in a chat (on any device). */
  | { type: 'joined'; chatId: string }
  /** One of this user's conversion jobs changed status; not replayed after a reconnect. */
  | { type: 'conversion'; status: ConversionStatusChanged }
  | { type: 'error'; code: WsErrorCode; message: string; chatId?: string; clientMsgId?: string };

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface ChatClientOptions {
  /** Gateway WebSocket URLs (`ws://host:8000/ws`); reconnects move on to the next one. */
  urls: readonly string[];
  /**
   * A valid access token; called before each connect. `refused` is the token the server turned away
   * last (it closed with 4401/4403, or the upgrade failed, which a browser cannot tell from a 401): a
   * newer one is needed, and if none can be had (the session was revoked) the promise rejects.
   */
  getToken: (refused?: string) => string | Promise<string>;
  /** Resend an un-acked message after this long without an answer. */
  ackTimeoutMs?: number;
  /** Reconnect back-off bounds. */
  minReconnectMs?: number;
  maxReconnectMs?: number;
  /** The `WebSocket` class; the global one (browsers, Node ≥ 22) by default. */
  WebSocketImpl?: typeof WebSocket;
}

interface Outgoing {
  chatId: string;
  clientMsgId: string;
  body: string;
  sentAt: number;
  resolve: (ack: { messageId: string; sentAt: string }) => void;
  reject: (error: Error) => void;
}

interface ChatState {
  /** Last message received in the server's order, sent back on resubscribe. */
  lastMessageId: string | undefined;
  seen: Set<string>;
  seenOrder: string[];
  /** Between a subscribe and its `subscribed`, messages are the replay of what was missed. */
  replaying: boolean;
}

/** Closes that say the token is no good (expired, revoked since connecting, refused). */
const TOKEN_REFUSED: ReadonlySet<number> = new Set([WsCloseCode.tokenExpired, WsCloseCode.forbidden]);
/** Codes after which the same frame may succeed later; anything else is final for that send. */
const TRANSIENT: ReadonlySet<WsErrorCode> = new Set(['unavailable', 'internal', 'rate_limited']);
const SEEN_LIMIT = 20_000;
/** clientMsgIds are unique per chat only. */
const outboxKey = (chatId: string, clientMsgId: string) => `${chatId}/${clientMsgId}`;

/** The user a JWT names (`sub`), read without verifying: only to recognise our own messages. */
function subjectOf(token: string): string | undefined {
  try {
    const payload = (token.split('.')[1] ?? '').replaceAll('-', '+').replaceAll('_', '/');
    return (JSON.parse(atob(payload)) as { sub?: unknown }).sub as string | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The chat side of the `relay.v1` protocol, framework-free, used by the SPA and the tests:
 * one connection with reconnect and back-off, resubscription from the last message seen per
 * chat, resend of every un-acked message with its original `clientMsgId` (the server turns
 * that into the same message id, so a resend never makes a second message), and dedupe of
 * incoming messages by id.
 */
export class ChatClient {
  readonly #options: Required<Omit<ChatClientOptions, 'WebSocketImpl'>> & { WebSocketImpl: typeof WebSocket };
  readonly #listeners = new Set<(event: ChatClientEvent) => void>();
  readonly #chats = new Map<string, ChatState>();
  readonly #subscribed = new Set<string>();
  /** Un-acked sends, in send order. */
  readonly #outbox = new Map<string, Outgoing>();
  /** The signed-in user, from the token: a replayed message of ours that is still un-acked is its ack. */
  #userId: string | undefined;
  #socket: WebSocket | undefined;
  #status: ConnectionStatus = 'closed';
  #urlIndex = 0;
  #attempt = 0;
  #stopped = true;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token the server turned away last, handed to `getToken` so that it refreshes. */
  #refused: string | undefined;
  #resendTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ChatClientOptions) {
    if (options.urls.length === 0) throw new Error('ChatClient needs at least one URL');
    this.#options = {
      ackTimeoutMs: 10_000,
      minReconnectMs: 100,
      maxReconnectMs: 5000,
      WebSocketImpl: globalThis.WebSocket,
      ...options,
    };
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Messages sent but not acked yet. */
  get pending(): number {
    return this.#outbox.size;
  }

  /** The signed-in user as the last token named it (undefined before the first connect). */
  get userId(): string | undefined {
    return this.#userId;
  }

  /**
   * Gives up on every un-acked send (the session ended): each send's promise rejects, and the caller
   * gets them back, oldest first, e.g. to keep them as drafts.
   */
  abandonOutbox(): { chatId: string; clientMsgId: string; body: string }[] {
    const abandoned = [...this.#outbox.values()];
    this.#outbox.clear();
    for (const outgoing of abandoned) outgoing.reject(new Error('abandoned: the session ended'));
    return abandoned.map(({ chatId, clientMsgId, body }) => ({ chatId, clientMsgId, body }));
  }

  /** The user asked to retry now: reconnect without waiting out the back-off, or resend what is un-acked. */
  retryNow(): void {
    if (this.#stopped) return;
    if (this.#status === 'open') {
      for (const outgoing of this.#outbox.values()) this.#transmit(outgoing);
    } else if (this.#status === 'closed') {
      clearTimeout(this.#reconnectTimer);
      this.#attempt = 0;
      void this.#connect();
    }
  }

  on(listener: (event: ChatClientEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#resendTimer = setInterval(
      () => this.#resendOverdue(),
      Math.max(250, this.#options.ackTimeoutMs / 4),
    );
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#resendTimer);
    this.#socket?.close(WsCloseCode.normal, 'client stopped');
    this.#socket = undefined;
    this.#setStatus('closed');
  }

  /** Subscribes now and after every reconnect; `afterMessageId` asks for what came after it. */
  subscribe(chatId: string, afterMessageId?: string): void {
    this.#subscribed.add(chatId);
    const state = this.#chat(chatId);
    if (afterMessageId !== undefined) state.lastMessageId = afterMessageId;
    this.#writeSubscribe(chatId);
  }

  unsubscribe(chatId: string): void {
    this.#subscribed.delete(chatId);
    this.#write({ type: 'unsubscribe', chatId });
  }

  /** Resolves with the server's ack; survives reconnects (the message is resent until acked). */
  send(chatId: string, body: string, clientMsgId: string = crypto.randomUUID()) {
    return new Promise<{ messageId: string; sentAt: string }>((resolve, reject) => {
      const outgoing: Outgoing = { chatId, clientMsgId, body, sentAt: Date.now(), resolve, reject };
      this.#outbox.set(outboxKey(chatId, clientMsgId), outgoing);
      this.#transmit(outgoing);
    });
  }

  markRead(chatId: string, messageId: string): void {
    this.#write({ type: 'message.read', chatId, messageId });
  }

  typing(chatId: string): void {
    this.#write({ type: 'typing', chatId });
  }

  /** Hands a fresh token to the open connection before the old one expires. */
  refreshToken(accessToken: string): void {
    this.#write({ type: 'auth.refresh', accessToken });
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#setStatus('connecting');
    let token: string;
    const refused = this.#refused;
    try {
      token = await this.#options.getToken(refused);
      this.#userId = subjectOf(token);
      // Until a newer token came, every attempt says the old one was refused.
      this.#refused = undefined;
    } catch {
      this.#scheduleReconnect();
      return;
    }
    if (this.#stopped) return;
    const url = this.#options.urls[this.#urlIndex % this.#options.urls.length] as string;
    const socket = new this.#options.WebSocketImpl(url, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`]);
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#attempt = 0;
      this.#setStatus('open');
      for (const chatId of this.#subscribed) this.#writeSubscribe(chatId);
      for (const outgoing of this.#outbox.values()) this.#transmit(outgoing);
    };
    socket.onmessage = (event: MessageEvent) => this.#onFrame(String(event.data));
    socket.onclose = (event?: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      // A failed upgrade may have been a 401 too, unless this token was the fresh answer to one.
      const failedUpgrade = !opened && refused === undefined;
      if (TOKEN_REFUSED.has(event?.code ?? 0) || failedUpgrade) this.#refused = token;
      this.#setStatus('closed');
      // Next time, try the next gateway.
      this.#urlIndex += 1;
      this.#scheduleReconnect();
    };
    socket.onerror = () => {
      // onclose follows and handles it.
    };
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const ceiling = Math.min(this.#options.maxReconnectMs, this.#options.minReconnectMs * 2 ** this.#attempt);
    this.#attempt += 1;
    // Full jitter, so a gateway's clients do not all come back in the same millisecond.
    const delay = Math.random() * ceiling;
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }

  #onFrame(raw: string): void {
    let frame: ServerFrame;
    try {
      frame = ServerFrame.parse(JSON.parse(raw));
    } catch {
      return;
    }
    switch (frame.type) {
      case 'message.new': {
        const { message } = frame;
        const state = this.#chat(message.chatId);
        state.lastMessageId = message.messageId;
        // Our own send, heard back in a replay before its ack came (its gateway died): it is the ack.
        if (
          message.senderId === this.#userId &&
          this.#outbox.has(outboxKey(message.chatId, message.clientMsgId))
        ) {
          this.#acked(message.chatId, message.clientMsgId, message.messageId, message.sentAt);
          break;
        }
        if (this.#remember(state, frame.message.messageId))
          this.#emit({ type: 'message', message: frame.message, replayed: state.replaying });
        else this.#emit({ type: 'duplicate', message: frame.message });
        break;
      }
      case 'message.ack':
        this.#acked(frame.chatId, frame.clientMsgId, frame.messageId, frame.sentAt);
        break;
      case 'subscribed':
        this.#chat(frame.chatId).replaying = false;
        this.#emit({ type: 'subscribed', chatId: frame.chatId, replayed: frame.replayed });
        break;
      case 'message.read':
        this.#emit({ type: 'read', chatId: frame.chatId, userId: frame.userId, messageId: frame.messageId });
        break;
      case 'typing':
        this.#emit({ type: 'typing', chatId: frame.chatId, userId: frame.userId });
        break;
      case 'chat.joined':
        this.#emit({ type: 'joined', chatId: frame.chatId });
        break;
      case 'conversion.status':
        this.#emit({ type: 'conversion', status: frame.status });
        break;
      case 'error':
        this.#onError(frame);
        break;
      case 'unsubscribed':
      case 'auth.refreshed':
      case 'pong':
        break;
    }
  }

  #acked(chatId: string, clientMsgId: string, messageId: string, sentAt: string): void {
    const key = outboxKey(chatId, clientMsgId);
    const outgoing = this.#outbox.get(key);
    if (outgoing === undefined) return;
    this.#outbox.delete(key);
    // Our own message may come back in a replay; it is already known.
    this.#remember(this.#chat(chatId), messageId);
    this.#emit({ type: 'ack', chatId, clientMsgId, messageId, sentAt });
    outgoing.resolve({ messageId, sentAt });
  }

  #onError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    this.#emit({ ...frame, type: 'error' });
    const outgoing = this.#outgoingFor(frame);
    if (outgoing !== undefined && !TRANSIENT.has(frame.code)) {
      this.#outbox.delete(outboxKey(outgoing.chatId, outgoing.clientMsgId));
      outgoing.reject(new Error(`${frame.code}: ${frame.message}`));
    }
    const chatId = frame.chatId;
    if (chatId !== undefined && frame.clientMsgId === undefined && this.#subscribed.has(chatId)) {
      // A subscription the server refused for good ends; one it could not serve now is retried.
      if (frame.code === 'forbidden') this.#subscribed.delete(chatId);
      else if (frame.code === 'unknown_message') {
        // The server cannot replay from a message it does not know: go live from now; the app
        // sees the error event and reloads the chat's history.
        this.#chat(chatId).lastMessageId = undefined;
        this.#writeSubscribe(chatId);
      } else if (TRANSIENT.has(frame.code)) {
        setTimeout(() => {
          if (this.#subscribed.has(chatId)) this.#writeSubscribe(chatId);
        }, 1000);
      }
    }
    // A transient failure is retried by the resend timer with the same clientMsgId.
  }

  /** The send an error answers: by chat and clientMsgId, or by clientMsgId alone for a frame the server could not read. */
  #outgoingFor(frame: Extract<ServerFrame, { type: 'error' }>): Outgoing | undefined {
    const { chatId, clientMsgId } = frame;
    if (clientMsgId === undefined) return undefined;
    if (chatId !== undefined) return this.#outbox.get(outboxKey(chatId, clientMsgId));
    return [...this.#outbox.values()].find((outgoing) => outgoing.clientMsgId === clientMsgId);
  }

  #transmit(outgoing: Outgoing): void {
    outgoing.sentAt = Date.now();
    this.#write({
      type: 'message.send',
      chatId: outgoing.chatId,
      clientMsgId: outgoing.clientMsgId,
      body: outgoing.body,
    });
  }

  #resendOverdue(): void {
    if (this.#status !== 'open') return;
    const now = Date.now();
    for (const outgoing of this.#outbox.values())
      if (now - outgoing.sentAt >= this.#options.ackTimeoutMs) this.#transmit(outgoing);
  }

  #writeSubscribe(chatId: string): void {
    const state = this.#chat(chatId);
    if (this.#status !== 'open') return;
    state.replaying = true;
    this.#write({ type: 'subscribe', chatId, afterMessageId: state.lastMessageId });
  }

  #write(frame: ClientFrame): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(frame));
  }

  #chat(chatId: string): ChatState {
    let state = this.#chats.get(chatId);
    if (state === undefined) {
      state = { lastMessageId: undefined, seen: new Set(), seenOrder: [], replaying: false };
      this.#chats.set(chatId, state);
    }
    return state;
  }

  /** True the first time a message id is seen in its chat. */
  #remember(state: ChatState, messageId: string): boolean {
    if (state.seen.has(messageId)) return false;
    state.seen.add(messageId);
    state.seenOrder.push(messageId);
    if (state.seenOrder.length > SEEN_LIMIT) {
      for (const old of state.seenOrder.splice(0, state.seenOrder.length - SEEN_LIMIT))
        state.seen.delete(old);
    }
    return true;
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#emit({ type: 'status', status });
  }

  #emit(event: ChatClientEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
