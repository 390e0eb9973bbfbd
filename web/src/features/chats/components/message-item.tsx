import { Avatar } from '../../../design/avatar.tsx';
import { Button } from '../../../design/button.tsx';
import { retrySending } from '../api/chat-socket.ts';
import type { RoomMessage } from '../hooks/room-messages.ts';
import { MessageText } from './message-text.tsx';
import { messageTime } from './message-time.ts';

interface MessageItemProps {
  message: RoomMessage;
  senderName: string;
  senderPhoto: string | undefined;
  own: boolean;
  /** First of a run by one sender: name, avatar and time show here, once for the run. */
  startsGroup: boolean;
  /** The newest own message, the one that says "Sent" or "Read by N". */
  lastOwn: boolean;
  readBy: number;
}

/**
 * Own messages say where they are: "Sending", "Sent", "Read by N"; "Not sent" past the resend deadline
 * (with Retry), and once given up, where its text went.
 */
function deliveryText(message: RoomMessage, readBy: number): string {
  if (message.delivery === 'sending') return 'Sending';
  if (message.delivery === 'overdue') return 'Not sent';
  if (message.delivery === 'failed') return 'Not sent — kept as a draft';
  return readBy > 0 ? `Read by ${readBy}` : 'Sent';
}

/**
 * One message. Every article is named by its sender and time for screen readers; on screen a run
 * shows them once, and a later message's time appears beside it on hover or focus.
 */
export function MessageItem({
  message,
  senderName,
  senderPhoto,
  own,
  startsGroup,
  lastOwn,
  readBy,
}: MessageItemProps) {
  const time = messageTime(message.sentAt);
  // Something still wrong (sending, not sent) shows on each message; "Sent"/"Read by" on the last only.
  const showDelivery = own && (lastOwn || message.delivery !== 'sent');
  return (
    <article
      className={`message${own ? ' message--own' : ''}${startsGroup ? ' message--first' : ''}`}
      aria-label={`${own ? 'You' : senderName}, ${time}`}
      // Reached with the arrow keys from the log (one tab stop for the whole conversation).
      tabIndex={-1}
    >
      <span className="message__gutter" aria-hidden>
        {startsGroup && !own ? (
          <Avatar name={senderName} src={senderPhoto} />
        ) : (
          <time className="message__hover-time" dateTime={message.sentAt}>
            {startsGroup ? '' : time}
          </time>
        )}
      </span>
      <div className="message__content">
        {startsGroup && (
          <span className="message__header" aria-hidden>
            {!own && <span className="message__sender">{senderName}</span>}
            <time dateTime={message.sentAt}>{time}</time>
          </span>
        )}
        <div className="message__bubble">
          <MessageText body={message.body} />
        </div>
        {showDelivery && (
          <span className={`message__delivery message__delivery--${message.delivery}`}>
            {deliveryText(message, readBy)}
            {message.delivery === 'overdue' && (
              <Button variant="ghost" onClick={retrySending}>
                Retry
              </Button>
            )}
          </span>
        )}
      </div>
    </article>
  );
}
