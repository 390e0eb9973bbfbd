import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { chatSocket } from '../api/chat-socket.ts';
import type { RoomMessage } from '../hooks/room-messages.ts';
import { MessageItem } from './message-item.tsx';

const own = (delivery: RoomMessage['delivery']): RoomMessage => ({
  clientMsgId: 'c-1',
  messageId: delivery === 'sent' ? 'm-1' : undefined,
  senderId: 'me',
  body: 'hello',
  sentAt: '2026-11-25T10:00:00.000Z',
  delivery,
});

const show = (message: RoomMessage) =>
  render(
    <MessageItem
      message={message}
      senderName="Ada"
      senderPhoto={undefined}
      own
      startsGroup
      lastOwn
      readBy={0}
    />,
  );

describe('MessageItem delivery of an own message', () => {
  it('says "Not sent" with Retry past its deadline, and Retry tries again at once', async () => {
    const retryNow = vi.spyOn(chatSocket, 'retryNow').mockImplementation(() => {});
    show(own('overdue'));
    expect(screen.getByText('Not sent')).toBeDefined();
    expect(screen.queryByText('Sending')).toBeNull();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(retryNow).toHaveBeenCalledTimes(1);
  });

  it('says where a message given up went, and offers no Retry for it', () => {
    show(own('failed'));
    expect(screen.getByText('Not sent — kept as a draft')).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
