import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Badge } from '../../../design/badge.tsx';
import { ArrowDownIcon } from '../../../design/icons.tsx';
import type { RoomMessage } from '../hooks/room-messages.ts';
import { MessageItem } from './message-item.tsx';
import { type MessageRow, messageRows, UNREAD_ROW_KEY } from './message-rows.ts';

interface MessageLogProps {
  messages: readonly RoomMessage[];
  readCounts: ReadonlyMap<string, number>;
  myUserId: string | undefined;
  memberOf: (userId: string) => { name: string; photoUrl: string | undefined };
  /** The message the "New messages" line goes above: the first unread when the room opened. */
  firstUnreadKey: string | undefined;
  hasOlder: boolean;
  onNeedOlder: () => void;
  /** Shown in the log while it has no message. */
  empty: ReactNode;
}

/** Close enough to the top that the older page should already be on its way. */
const LOAD_OLDER_WITHIN_PX = 300;
/** Close enough to the bottom that a new message keeps the view pinned there. */
const PINNED_WITHIN_PX = 120;

const isAtBottom = (element: HTMLElement) =>
  element.scrollHeight - element.scrollTop - element.clientHeight < PINNED_WITHIN_PX;

/** The newest message whose top is inside the log's visible part. */
function lastInView(log: HTMLElement, articles: readonly HTMLElement[]): HTMLElement | undefined {
  const bottom = log.getBoundingClientRect().bottom;
  return articles.findLast((article) => article.getBoundingClientRect().top < bottom);
}

/**
 * Messages below the view that the reader has not seen: from the "New messages" line (or, without
 * one, those that came after the room opened) and past the furthest row ever in view.
 */
function unseenCount(rows: readonly MessageRow[], freshFrom: number, seenUpTo: number): number {
  let count = 0;
  for (let index = Math.max(freshFrom, seenUpTo + 1); index < rows.length; index += 1)
    if (rows[index]?.kind === 'message') count += 1;
  return count;
}

/**
 * The conversation as a `log`: only the rows in view are in the DOM (TanStack Virtual, measured
 * heights), older pages load on scrolling up with the view held in place, new messages keep a
 * reader at the bottom there, a room opens at its first unread, and a reader scrolled up gets a
 * button back to the latest that counts what came in meanwhile.
 */
export function MessageLog({
  messages,
  readCounts,
  myUserId,
  memberOf,
  firstUnreadKey,
  hasOlder,
  onNeedOlder,
  empty,
}: MessageLogProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useMemo(
    () => messageRows(messages, { myUserId, firstUnreadKey }),
    [messages, myUserId, firstUnreadKey],
  );
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 56,
    overscan: 8,
    getItemKey: (index) => rows[index]?.key ?? index,
  });
  // A room opening at its first unread starts away from the bottom: nothing below is seen yet.
  const [atBottom, setAtBottom] = useState(firstUnreadKey === undefined);
  /** The key of the last message when the room opened: those after it are new. */
  const openedAt = useRef<string | null>(null);

  const previous = useRef<{ firstKey: string | undefined; lastKey: string | undefined; pinned: boolean }>({
    firstKey: undefined,
    lastKey: undefined,
    pinned: true,
  });
  useLayoutEffect(() => {
    const before = previous.current;
    // The first message, not the first row: an older page from the same day keeps the same separator on top.
    const firstKey = rows.find((row) => row.kind === 'message')?.key;
    const last = rows.at(-1);
    const unreadIndex = rows.findIndex((row) => row.key === UNREAD_ROW_KEY);
    if (before.lastKey === undefined && last !== undefined) {
      openedAt.current = last.key;
      // Opening: at the first unread when there is one, as the best apps do; else at the latest.
      if (unreadIndex > 0) {
        before.pinned = false;
        virtualizer.scrollToIndex(unreadIndex, { align: 'start' });
      } else virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    } else if (before.firstKey !== undefined && firstKey !== before.firstKey) {
      // Older messages came in above: keep the one that was on top where it was.
      const index = rows.findIndex((row) => row.key === before.firstKey);
      if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
    } else if (last !== undefined && last.key !== before.lastKey) {
      const mine = last.kind === 'message' && last.message.senderId === myUserId;
      if (before.pinned || mine) {
        before.pinned = true;
        virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
      }
    }
    previous.current = { ...before, firstKey, lastKey: last?.key };
  }, [rows, myUserId, virtualizer]);

  // Rows measured taller than estimated, or a smaller window, must not lift a pinned reader off the end.
  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element === null || totalSize === 0) return;
    if (previous.current.pinned) element.scrollTop = element.scrollHeight;
    // Everything fits, or it has come to fit: no scroll event will say the reader is at the end.
    else if (isAtBottom(element)) {
      previous.current.pinned = true;
      setAtBottom(true);
    }
  }, [totalSize]);
  useEffect(() => {
    const element = scrollRef.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => {
      if (previous.current.pinned) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const items = virtualizer.getVirtualItems();
  const nearTop = items[0] !== undefined && items[0].start < LOAD_OLDER_WITHIN_PX;
  useEffect(() => {
    if (nearTop && hasOlder) onNeedOlder();
  }, [nearTop, hasOlder, onNeedOlder]);

  // The furthest row ever in view, by key: an older page coming in above shifts every index.
  const visibleEnd = atBottom ? rows.length - 1 : (virtualizer.range?.endIndex ?? -1);
  const [seenKey, setSeenKey] = useState<string>();
  const seenUpTo = rows.findIndex((row) => row.key === seenKey);
  const endKey = rows[visibleEnd]?.key;
  useEffect(() => {
    if (endKey !== undefined && visibleEnd > seenUpTo) setSeenKey(endKey);
  }, [endKey, visibleEnd, seenUpTo]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (element === null) return;
    const pinned = isAtBottom(element);
    previous.current.pinned = pinned;
    setAtBottom(pinned);
  };

  const jumpToLatest = () => {
    previous.current.pinned = true;
    setAtBottom(true);
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    scrollRef.current?.focus();
  };

  // Up and Down step through the messages (each shows its time when focused); from the log itself, Up starts at the newest in view.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const log = scrollRef.current;
    if (log === null) return;
    const articles = [...log.querySelectorAll<HTMLElement>('article')];
    const at = articles.indexOf(document.activeElement as HTMLElement);
    if (at === -1 && event.key === 'ArrowDown') return;
    const next = at === -1 ? lastInView(log, articles) : articles[at + (event.key === 'ArrowUp' ? -1 : 1)];
    if (next === undefined) return;
    event.preventDefault();
    next.focus();
  };

  const unreadIndex = rows.findIndex((row) => row.key === UNREAD_ROW_KEY);
  const openedIndex = rows.findIndex((row) => row.key === openedAt.current);
  const freshFrom = unreadIndex >= 0 ? unreadIndex : openedIndex >= 0 ? openedIndex + 1 : rows.length;
  const unseen = unseenCount(rows, freshFrom, seenUpTo);

  return (
    <div className="message-log-frame">
      <div
        ref={scrollRef}
        // The target of the layout's "Skip to messages" link.
        id="messages"
        className="message-log"
        role="log"
        aria-live="polite"
        aria-label="Messages"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        {rows.length === 0 && empty}
        <div className="message-log__inner" style={{ height: totalSize }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className={`message-log__row${row.kind === 'message' && row.startsGroup ? ' message-log__row--first' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <LogRow row={row} myUserId={myUserId} memberOf={memberOf} readCounts={readCounts} />
              </div>
            );
          })}
        </div>
      </div>
      {!atBottom && rows.length > 0 && (
        <button type="button" className="jump-to-latest" onClick={jumpToLatest}>
          <ArrowDownIcon />
          Jump to latest{' '}
          {unseen > 0 && <Badge count={unseen} label={unseen === 1 ? 'new message' : 'new messages'} />}
        </button>
      )}
    </div>
  );
}

function LogRow({
  row,
  myUserId,
  memberOf,
  readCounts,
}: { row: MessageRow } & Pick<MessageLogProps, 'myUserId' | 'memberOf' | 'readCounts'>) {
  if (row.kind === 'day')
    return (
      <p className="day-separator">
        <span>{row.label}</span>
      </p>
    );
  if (row.kind === 'unread')
    return (
      <p className="unread-separator">
        <span>New messages</span>
      </p>
    );
  const { message } = row;
  const sender = memberOf(message.senderId);
  return (
    <MessageItem
      message={message}
      own={message.senderId === myUserId}
      senderName={sender.name}
      senderPhoto={sender.photoUrl}
      startsGroup={row.startsGroup}
      lastOwn={row.lastOwn}
      readBy={message.messageId === undefined ? 0 : (readCounts.get(message.messageId) ?? 0)}
    />
  );
}
