import type { RoomMessage } from '../hooks/room-messages.ts';
import { MessageText } from './message-text.tsx';
import { messageTime } from './message-time.ts';

interface MessageItemProps {
  message: RoomMessage;
  senderName: string;
  own: boolean;
  readBy: number;
}

/** Own messages say where they are: "Sending", "Sent", "Read by N" (or "Not sent" if refused). */
function deliveryText(message: RoomMessage, readBy: number): string {
  if (message.delivery === 'sending') return 'Sending';
  if (message.delivery === 'failed') return 'Not sent';
  return readBy > 0 ? `Read by ${readBy}` : 'Sent';
}

export function MessageItem({ message, senderName, own, readBy }: MessageItemProps) {
  return (
    <article
      className={`message${own ? ' message--own' : ''}`}
      aria-label={`${own ? 'You' : senderName}, ${messageTime(message.sentAt)}`}
    >
      {!own && <span className="message__sender">{senderName}</span>}
      <MessageText body={message.body} />
      <span className="message__meta">
        <time dateTime={message.sentAt}>{messageTime(message.sentAt)}</time>
        {own && (
          <span className={`message__delivery message__delivery--${message.delivery}`}>
            {deliveryText(message, readBy)}
          </span>
        )}
      </span>
    </article>
  );
}
