import { WebSocket } from 'ws';

/** A reply or push of Centrifugo's JSON protocol (centrifugal/protocol client.proto, v2). */
interface Reply {
  id?: number;
  error?: { code: number; message: string };
  push?: {
    channel?: string;
    pub?: { data: unknown; offset?: number };
    unsubscribe?: { code: number; reason: string };
    disconnect?: { code: number; reason: string };
  };
}

/**
 * The few commands of Centrifugo's bidirectional JSON WebSocket protocol a chat client needs:
 * connect with a token, subscribe, publish. Replies carry their command's id; several replies
 * or pushes may share one frame, one JSON object per line.
 */
export class CentrifugoClient {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #onPublication: (channel: string, data: unknown) => void = () => undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (frame: Buffer) => this.#receive(frame.toString('utf8')));
    socket.on('close', () => {
      for (const { reject } of this.#pending.values()) reject(new Error('connection closed'));
      this.#pending.clear();
    });
  }

  /** Opens the socket and sends `connect` with the JWT; resolves once the server accepted it. */
  static async connect(url: string, token: string): Promise<CentrifugoClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new CentrifugoClient(socket);
    await client.#command({ connect: { token, name: 'relay-bench' } });
    return client;
  }

  onPublication(listener: (channel: string, data: unknown) => void): void {
    this.#onPublication = listener;
  }

  async subscribe(channel: string): Promise<void> {
    await this.#command({ subscribe: { channel } });
  }

  /** Resolves on the publish reply: the server has written the publication to the Redis history. */
  async publish(channel: string, data: unknown): Promise<void> {
    await this.#command({ publish: { channel, data } });
  }

  close(): void {
    this.#socket.terminate();
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  #command(body: Record<string, unknown>): Promise<Reply> {
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ id, ...body }));
    });
  }

  #receive(frame: string): void {
    for (const line of frame.split('\n')) {
      if (line === '') continue;
      const reply = JSON.parse(line) as Reply;
      if (reply.id !== undefined && reply.id > 0) {
        const pending = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        if (reply.error !== undefined)
          pending?.reject(new Error(`${reply.error.code} ${reply.error.message}`));
        else pending?.resolve(reply);
      } else if (reply.push?.pub !== undefined) {
        this.#onPublication(reply.push.channel ?? '', reply.push.pub.data);
      } else if (reply.push?.unsubscribe !== undefined || reply.push?.disconnect !== undefined) {
        // Positioning found a gap, or the server dropped a slow client: the run's lost count shows it.
        const { code, reason } = reply.push.unsubscribe ?? reply.push.disconnect ?? { code: 0, reason: '' };
        console.warn(
          `centrifugo ${reply.push.unsubscribe ? 'unsubscribed' : 'disconnected'} a client: ${code} ${reason}`,
        );
      } else if (reply.push === undefined) {
        // An empty reply is the server's ping; it expects an empty command back as the pong.
        this.#socket.send('{}');
      }
    }
  }
}
