import { Skeleton } from '../../../design/spinner.tsx';

/** Stand-ins shaped like chat rows: an avatar, a title, a line of the last message. */
export function ChatListSkeleton() {
  return (
    <div className="chat-list chat-list--loading" role="status">
      <span className="visually-hidden">Loading chats</span>
      {['70%', '55%', '80%', '45%', '65%'].map((width) => (
        <div key={width} className="chat-list__item" aria-hidden>
          <Skeleton width="2.5rem" height="2.5rem" round />
          <span className="chat-list__body">
            <Skeleton width="45%" height="0.9rem" />
            <Skeleton width={width} height="0.75rem" />
          </span>
        </div>
      ))}
    </div>
  );
}

/** Stand-ins shaped like a conversation: bubbles on both sides, some under a name. */
export function MessageSkeleton() {
  const bubbles = [
    { own: false, width: '14rem', first: true },
    { own: false, width: '9rem', first: false },
    { own: true, width: '12rem', first: true },
    { own: false, width: '18rem', first: true },
    { own: true, width: '7rem', first: true },
  ];
  return (
    <div className="message-log message-log--loading" role="status">
      <span className="visually-hidden">Loading messages</span>
      {bubbles.map((bubble) => (
        <div
          key={`${bubble.own}-${bubble.width}`}
          className={`message-skeleton${bubble.own ? ' message-skeleton--own' : ''}`}
          aria-hidden
        >
          <span className="message-skeleton__gutter">
            {!bubble.own && bubble.first && <Skeleton width="2rem" height="2rem" round />}
          </span>
          <span className="message-skeleton__content">
            {bubble.first && <Skeleton width="6rem" height="0.7rem" />}
            <span className="message-skeleton__bubble">
              <Skeleton width={bubble.width} height="2.25rem" />
            </span>
          </span>
        </div>
      ))}
    </div>
  );
}
