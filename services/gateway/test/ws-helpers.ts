import { type ServerFrame, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@relay/contracts';
import { WebSocket } from 'ws';

/** A raw protocol-level client for tests: every frame it receives is kept in order. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly socket: WebSocket;
  closeCode: number | undefined;
  readonly #opened: Promise<void>;
  readonly #closed: Promise<number>;

  constructor(
    url: string,
    token: string | undefined,
    protocols: string[] = [WS_PROTOCOL],
    options: { autoPong?: boolean } = {},
  ) {
    const all = token === undefined ? protocols : [...protocols, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`];
    this.socket = new WebSocket(url, all, options);
    this.socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as ServerFrame));
    this.#opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade answered ${response.statusCode}`)),
      );
      this.socket.once('error', reject);
    });
    this.#closed = new Promise((resolve) =>
      this.socket.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  opened(): Promise<void> {
    return this.#opened;
  }

  closed(): Promise<number> {
    return this.#closed;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (after `from`) matching, waiting up to `timeoutMs`. */
  async next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(
        (frame): frame is Extract<ServerFrame, { type: T }> =>
          frame.type === type && match(frame as Extract<ServerFrame, { type: T }>),
      );
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  of<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
  }

  close(): void {
    this.socket.close();
  }
}

export const wsUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, 'ws')}/ws`;
