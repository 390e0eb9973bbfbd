import type { Chat } from '@relay/contracts';
import { Link } from 'react-router';
import { Avatar } from '../../../design/avatar.tsx';
import { Badge } from '../../../design/badge.tsx';
import { chatTitle } from './chat-title.ts';
import { messageTime } from './message-time.ts';

const AVATARS_SHOWN = 3;

/** Each row is one link named by the chat's title; the rest of the row is a larger hit area for it. */
export function ChatList({ chats, myUserId }: { chats: readonly Chat[]; myUserId: string | undefined }) {
  return (
    <ul className="chat-list">
      {chats.map((chat) => {
        const senderName = chat.members.find((member) => member.userId === chat.lastMessage?.senderId)?.name;
        return (
          <li key={chat.id} className="chat-list__item">
            <span className="chat-list__avatars">
              {chat.members.slice(0, AVATARS_SHOWN).map((member) => (
                <Avatar key={member.userId} name={member.name} src={member.photoUrl ?? undefined} />
              ))}
            </span>
            <span className="chat-list__body">
              <Link className="chat-list__link" to={`/chats/${chat.id}`}>
                {chatTitle(chat, myUserId)}
              </Link>
              <span className="chat-list__last muted" dir="auto">
                {chat.lastMessage === null
                  ? 'No messages yet'
                  : `${chat.lastMessage.senderId === myUserId ? 'You' : (senderName ?? 'Someone')}: ${chat.lastMessage.body}`}
              </span>
            </span>
            <span className="chat-list__meta">
              {chat.lastMessage !== null && (
                <time className="muted" dateTime={chat.lastMessage.sentAt}>
                  {messageTime(chat.lastMessage.sentAt)}
                </time>
              )}
              {chat.unreadCount > 0 && <Badge count={chat.unreadCount} label="unread" />}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
