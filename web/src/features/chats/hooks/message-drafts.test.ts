import { describe, expect, it, vi } from 'vitest';
import { MessageDrafts } from './message-drafts.ts';

const ME = 'user-1';
const OTHER_USER = 'user-2';
const CHAT = 'chat-1';
const OTHER_CHAT = 'chat-2';

function drafts() {
  const storage = new Map<string, string>();
  const store = new MessageDrafts({
    getItem: (key) => storage.get(key) ?? null,
    setItem: (key, value) => void storage.set(key, value),
    removeItem: (key) => void storage.delete(key),
  });
  return { store, storage };
}

describe('MessageDrafts', () => {
  it('keeps a draft per user and chat, and forgets it once cleared or emptied', () => {
    const { store, storage } = drafts();
    store.write(ME, CHAT, { text: 'half a thought', notSent: false });

    expect(store.read(ME, CHAT)).toEqual({ text: 'half a thought', notSent: false });
    expect(store.read(ME, OTHER_CHAT)).toBeUndefined();
    expect(store.read(OTHER_USER, CHAT)).toBeUndefined();

    store.write(ME, CHAT, { text: '  ', notSent: false });
    expect(store.read(ME, CHAT)).toBeUndefined();
    store.write(ME, CHAT, { text: 'again', notSent: true });
    store.clear(ME, CHAT);
    expect(store.read(ME, CHAT)).toBeUndefined();
    expect(storage.size).toBe(0);
  });

  it('adds messages that were not sent after what the draft held, in order, marked not sent', () => {
    const { store } = drafts();
    store.write(ME, CHAT, { text: 'typed', notSent: false });
    store.keepUnsent(ME, CHAT, ['first']);
    store.keepUnsent(ME, CHAT, ['second', 'third']);

    expect(store.read(ME, CHAT)).toEqual({ text: 'typed\n\nfirst\n\nsecond\n\nthird', notSent: true });
    store.keepUnsent(ME, OTHER_CHAT, ['elsewhere']);
    expect(store.read(ME, OTHER_CHAT)).toEqual({ text: 'elsewhere', notSent: true });
  });

  it('tells an open composer of its chat when messages were kept, and no other', () => {
    const { store } = drafts();
    const mine = vi.fn();
    const other = vi.fn();
    const stop = store.onKept(ME, CHAT, mine);
    store.onKept(ME, OTHER_CHAT, other);

    store.keepUnsent(ME, CHAT, ['lost']);
    stop();
    store.keepUnsent(ME, CHAT, ['after']);

    expect(mine).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();
  });

  it('reads a damaged entry as no draft, and survives storage that refuses writes', () => {
    const store = new MessageDrafts({
      getItem: () => '{not json',
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {},
    });
    expect(store.read(ME, CHAT)).toBeUndefined();
    expect(() => store.keepUnsent(ME, CHAT, ['x'])).not.toThrow();
  });
});
