/**
 * One connection's read receipts, coalesced per chat: the first goes out at once, later ones at
 * most once per interval, the newest winning. A client marking every message it scrolls past
 * then costs one Kafka record and one room event per chat per interval, not one per frame.
 */
export class ReadReceiptCoalescer {
  readonly #send: (chatId: string, messageId: string) => void;
  readonly #intervalMs: number;
  /** Chats inside their interval, with the receipt waiting for its end, if any. */
  readonly #waiting = new Map<string, { messageId: string | undefined; timer: NodeJS.Timeout }>();

  constructor(send: (chatId: string, messageId: string) => void, intervalMs: number) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  mark(chatId: string, messageId: string): void {
    const waiting = this.#waiting.get(chatId);
    if (waiting !== undefined) {
      waiting.messageId = messageId;
      return;
    }
    this.#send(chatId, messageId);
    const slot = {
      messageId: undefined as string | undefined,
      timer: setTimeout(() => {
        this.#waiting.delete(chatId);
        if (slot.messageId !== undefined) this.mark(chatId, slot.messageId);
      }, this.#intervalMs),
    };
    this.#waiting.set(chatId, slot);
  }

  /** The connection is gone: what waits goes out now rather than being lost. */
  close(): void {
    for (const [chatId, { timer, messageId }] of this.#waiting) {
      clearTimeout(timer);
      if (messageId !== undefined) this.#send(chatId, messageId);
    }
    this.#waiting.clear();
  }
}
