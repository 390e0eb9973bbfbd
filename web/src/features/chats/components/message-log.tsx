import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { RoomMessage } from '../hooks/room-messages.ts';
import { MessageItem } from './message-item.tsx';
import { messageRows } from './message-rows.ts';

interface MessageLogProps {
  messages: readonly RoomMessage[];
  readCounts: ReadonlyMap<string, number>;
  myUserId: string | undefined;
  nameOf: (userId: string) => string;
  hasOlder: boolean;
  onNeedOlder: () => void;
}

/** Close enough to the top that the older page should already be on its way. */
const LOAD_OLDER_WITHIN_PX = 300;
/** Close enough to the bottom that a new message keeps the view pinned there. */
const PINNED_WITHIN_PX = 120;

/**
 * The conversation as a `log`: only the rows in view are in the DOM (TanStack Virtual, measured
 * heights), older pages load on scrolling up with the view held in place, and new messages keep
 * a reader at the bottom there.
 */
export function MessageLog({
  messages,
  readCounts,
  myUserId,
  nameOf,
  hasOlder,
  onNeedOlder,
}: MessageLogProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => messageRows(messages), [messages]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    overscan: 8,
    getItemKey: (index) => rows[index]?.key ?? index,
  });

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
    if (before.firstKey !== undefined && firstKey !== before.firstKey) {
      // Older messages came in above: keep the one that was on top where it was.
      const index = rows.findIndex((row) => row.key === before.firstKey);
      if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
    } else if (last !== undefined && last.key !== before.lastKey) {
      const mine = last.kind === 'message' && last.message.senderId === myUserId;
      if (before.pinned || mine) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    }
    previous.current = { ...before, firstKey, lastKey: last?.key };
  }, [rows, myUserId, virtualizer]);

  // Rows measured taller than estimated, or a smaller window, must not lift a pinned reader off the end.
  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element !== null && totalSize > 0 && previous.current.pinned)
      element.scrollTop = element.scrollHeight;
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

  const onScroll = () => {
    const element = scrollRef.current;
    if (element === null) return;
    previous.current.pinned =
      element.scrollHeight - element.scrollTop - element.clientHeight < PINNED_WITHIN_PX;
  };

  return (
    <div
      ref={scrollRef}
      className="message-log"
      role="log"
      aria-live="polite"
      aria-label="Messages"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it
      tabIndex={0}
      onScroll={onScroll}
    >
      <div className="message-log__inner" style={{ height: totalSize }}>
        {items.map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              className="message-log__row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {row.kind === 'day' ? (
                <p className="day-separator">
                  <span>{row.label}</span>
                </p>
              ) : (
                <MessageItem
                  message={row.message}
                  own={row.message.senderId === myUserId}
                  senderName={nameOf(row.message.senderId)}
                  readBy={
                    row.message.messageId === undefined ? 0 : (readCounts.get(row.message.messageId) ?? 0)
                  }
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
