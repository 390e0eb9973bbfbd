import type { Socket } from 'node:net';

/**
 * Frames sent to one client during one turn of the event loop leave in one write: the client's
 * TCP socket is corked at its first frame of the turn and uncorked once the turn's I/O is handled
 * (`setImmediate`). Under load a client gets acks and messages many at a time, and a write per
 * frame was the gateway's largest cost in its CPU profile; at low load a frame still leaves
 * within the same turn.
 */
export class TurnWrites {
  readonly #corked = new Set<Socket>();
  #scheduled = false;

  /** Call before writing to `socket`; it is uncorked at the end of this turn. */
  hold(socket: Socket): void {
    if (this.#corked.has(socket)) return;
    socket.cork();
    this.#corked.add(socket);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#release());
  }

  #release(): void {
    this.#scheduled = false;
    for (const socket of this.#corked) socket.uncork();
    this.#corked.clear();
  }
}
