import { cleanup, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RoomMessage } from '../hooks/room-messages.ts';
import { MessageItem } from './message-item.tsx';
import { messageTime } from './message-time.ts';

const message = (delivery: RoomMessage['delivery']): RoomMessage => ({
  clientMsgId: 'c1',
  messageId: delivery === 'sent' ? 'm1' : undefined,
  senderId: 'u1',
  body: 'Ship it',
  sentAt: '2026-11-25T10:00:00.000Z',
  delivery,
});

function renderItem(props: Partial<Parameters<typeof MessageItem>[0]>) {
  render(
    <MessageItem
      message={message('sent')}
      senderName="Alan Kay"
      senderPhoto={undefined}
      own={false}
      startsGroup
      lastOwn={false}
      readBy={0}
      {...props}
    />,
  );
  return screen.getByRole('article');
}

describe('MessageItem', () => {
  const time = messageTime('2026-11-25T10:00:00.000Z');

  it('names every message by sender and time for screen readers, grouped or not', () => {
    expect(renderItem({ startsGroup: false }).getAttribute('aria-label')).toBe(`Alan Kay, ${time}`);
  });

  it('shows name and time once at the start of a run, and only a time to hover in it', () => {
    const first = renderItem({});
    expect(within(first).getByText('Alan Kay')).toBeDefined();
    expect(first.querySelector('.message__hover-time')).toBeNull();
    cleanup();
    const later = renderItem({ startsGroup: false });
    expect(within(later).queryByText('Alan Kay')).toBeNull();
    expect(later.querySelector('.message__hover-time')?.textContent).toBe(time);
  });

  it('says Sent or Read by on the last own message only, and Sending or Not sent on any', () => {
    expect(within(renderItem({ own: true, lastOwn: true, readBy: 2 })).getByText('Read by 2')).toBeDefined();
    cleanup();
    expect(within(renderItem({ own: true })).queryByText(/Sent|Read by/)).toBeNull();
    cleanup();
    expect(within(renderItem({ own: true, message: message('sending') })).getByText('Sending')).toBeDefined();
  });
});
