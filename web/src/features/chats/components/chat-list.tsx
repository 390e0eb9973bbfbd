import type { Chat } from '@relay/contracts';
import { NavLink } from 'react-router';
import { Badge } from '../../../design/badge.tsx';
import { ChatAvatar } from './chat-avatar.tsx';
import { chatTitle } from './chat-title.ts';
import { listTime } from './message-time.ts';

interface ChatListProps {
  chats: readonly Chat[];
  myUserId: string | undefined;
  openChatId: string | undefined;
}

/** Each row is one link, the whole row: its name says the title, the time, the last message and the unread count. */
export function ChatList({ chats, myUserId, openChatId }: ChatListProps) {
  return (
    <ul className="chat-list">
      {chats.map((chat) => (
        <li key={chat.id}>
          <ChatRow chat={chat} myUserId={myUserId} open={chat.id === openChatId} />
        </li>
      ))}
    </ul>
  );
}

function ChatRow({ chat, myUserId, open }: { chat: Chat; myUserId: string | undefined; open: boolean }) {
  const senderName = chat.members.find((member) => member.userId === chat.lastMessage?.senderId)?.name;
  const unread = chat.unreadCount > 0 && !open;
  return (
    <NavLink
      to={`/chats/${chat.id}`}
      className={`chat-list__item${unread ? ' chat-list__item--unread' : ''}`}
    >
      <ChatAvatar chat={chat} myUserId={myUserId} />
      <span className="chat-list__body">
        <span className="chat-list__top">
          <span className="chat-list__title" dir="auto">
            {chatTitle(chat, myUserId)}
          </span>
          {chat.lastMessage !== null && (
            <time className="chat-list__time" dateTime={chat.lastMessage.sentAt}>
              {listTime(chat.lastMessage.sentAt)}
            </time>
          )}
        </span>
        <span className="chat-list__bottom">
          <span className="chat-list__last" dir="auto">
            {chat.lastMessage === null
              ? 'No messages yet'
              : `${chat.lastMessage.senderId === myUserId ? 'You' : (senderName ?? 'Someone')}: ${chat.lastMessage.body}`}
          </span>
          {unread && <Badge count={chat.unreadCount} label="unread" />}
        </span>
      </span>
    </NavLink>
  );
}
