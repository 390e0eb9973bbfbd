/** What a chat's composer holds: the text, and whether some of it is messages that were not sent. */
export interface MessageDraft {
  text: string;
  notSent: boolean;
}

type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const keyOf = (userId: string, chatId: string) => `relay.draft.${userId}.${chatId}`;

function parse(raw: string | null): MessageDraft | undefined {
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<MessageDraft>;
    if (typeof value.text !== 'string' || value.text === '') return undefined;
    return { text: value.text, notSent: value.notSent === true };
  } catch {
    return undefined;
  }
}

/**
 * Each chat's unsent text, per user, in localStorage (as Slack keeps a channel's draft): what was typed
 * and not sent, and the messages that never got an ack (the session ended, the server refused them),
 * so nothing typed is lost to a sign-out or a reload. A draft is gone once its chat's composer sends.
 */
export class MessageDrafts {
  readonly #storage: DraftStorage | undefined;
  readonly #listeners = new Set<(key: string) => void>();

  constructor(storage: DraftStorage | undefined) {
    this.#storage = storage;
  }

  read(userId: string, chatId: string): MessageDraft | undefined {
    return parse(this.#get(keyOf(userId, chatId)));
  }

  /** Typing: an empty text removes the draft. */
  write(userId: string, chatId: string, draft: MessageDraft): void {
    const key = keyOf(userId, chatId);
    try {
      if (draft.text.trim() === '') this.#storage?.removeItem(key);
      else this.#storage?.setItem(key, JSON.stringify(draft));
    } catch {
      // Storage full or refused (private mode): the composer still holds the text for this visit.
    }
  }

  clear(userId: string, chatId: string): void {
    this.write(userId, chatId, { text: '', notSent: false });
  }

  /**
   * Messages that were not sent join the chat's draft, after what it held, so several keep their order;
   * an open composer hears of it.
   */
  keepUnsent(userId: string, chatId: string, bodies: readonly string[]): void {
    if (bodies.length === 0) return;
    const held = this.read(userId, chatId)?.text;
    const text = [...(held === undefined ? [] : [held]), ...bodies].join('\n\n');
    this.write(userId, chatId, { text, notSent: true });
    for (const listener of this.#listeners) listener(keyOf(userId, chatId));
  }

  /** Called when messages of this chat were kept as its draft. */
  onKept(userId: string, chatId: string, listener: () => void): () => void {
    const key = keyOf(userId, chatId);
    const filtered = (kept: string) => kept === key && listener();
    this.#listeners.add(filtered);
    return () => this.#listeners.delete(filtered);
  }

  #get(key: string): string | null {
    try {
      return this.#storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }
}

/** The app's drafts, in this browser's localStorage. */
export const messageDrafts = new MessageDrafts(
  typeof localStorage === 'undefined' ? undefined : localStorage,
);
