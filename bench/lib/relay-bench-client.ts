import { type ChatMessage, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@relay/contracts';
import { WebSocket } from 'ws';

/** The frames of `relay.v1` this client reads (packages/contracts/src/ws.ts), unvalidated. */
type Frame =
  | { type: 'subscribed'; chatId: string }
  | { type: 'message.ack'; chatId: string; clientMsgId: string }
  | { type: 'message.new'; message: ChatMessage }
  | { type: 'error'; code: string; message: string; chatId?: string; clientMsgId?: string }
  | { type: string };

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The load generator's Relay client, the same shape as its Centrifugo one (centrifugo-client.ts):
 * subscribe, send and hear, with JSON.parse and no more. `@relay/chat-client` validates every
 * frame with zod, dedupes and keeps an outbox — right for an application, but in the one process
 * that timestamps every delivery it cost Relay's runs a third more load-generator CPU than
 * Centrifugo's. Duplicates and losses are counted by the bench from message ids, as for the peer.
 */
export class RelayBenchClient {
  readonly #socket: WebSocket;
  readonly #acks = new Map<string, Pending>();
  readonly #subscribes = new Map<string, Pending>();
  #onMessage: (message: ChatMessage) => void = () => undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: Buffer) => this.#receive(JSON.parse(data.toString('utf8')) as Frame));
    socket.on('close', () => {
      for (const pending of [...this.#acks.values(), ...this.#subscribes.values()])
        pending.reject(new Error('connection closed'));
      this.#acks.clear();
      this.#subscribes.clear();
    });
  }

  static async connect(url: string, accessToken: string): Promise<RelayBenchClient> {
    const socket = new WebSocket(url, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${accessToken}`]);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RelayBenchClient(socket);
  }

  onMessage(listener: (message: ChatMessage) => void): void {
    this.#onMessage = listener;
  }

  /** Resolves once the gateway answered `subscribed`: live messages of the chat follow. */
  subscribe(chatId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#subscribes.set(chatId, { resolve, reject });
      this.#socket.send(JSON.stringify({ type: 'subscribe', chatId }));
    });
  }

  /** Resolves on the ack: Kafka has the message and it is recorded for replay. */
  send(chatId: string, body: string, clientMsgId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#acks.set(`${chatId}/${clientMsgId}`, { resolve, reject });
      this.#socket.send(JSON.stringify({ type: 'message.send', chatId, clientMsgId, body }));
    });
  }

  close(): void {
    this.#socket.terminate();
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  #receive(frame: Frame): void {
    if (frame.type === 'message.new' && 'message' in frame) {
      this.#onMessage(frame.message);
      return;
    }
    if (frame.type === 'message.ack' && 'clientMsgId' in frame) {
      const key = `${frame.chatId}/${frame.clientMsgId}`;
      this.#acks.get(key)?.resolve();
      this.#acks.delete(key);
      return;
    }
    if (frame.type === 'subscribed' && 'chatId' in frame) {
      this.#subscribes.get(frame.chatId)?.resolve();
      this.#subscribes.delete(frame.chatId);
      return;
    }
    if (frame.type === 'error' && 'code' in frame) {
      const error = new Error(`${frame.code}: ${frame.message}`);
      const key = `${frame.chatId}/${frame.clientMsgId}`;
      const pending = this.#acks.get(key) ?? this.#subscribes.get(frame.chatId ?? '');
      this.#acks.delete(key);
      if (pending === undefined) console.warn(`relay error frame: ${frame.code} ${frame.message}`);
      pending?.reject(error);
    }
  }
}
