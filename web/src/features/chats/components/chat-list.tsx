import type { Chat } from '@relay/contracts';
import { NavLink } from 'react-router';
import { Avatar } from '../../../design/avatar.tsx';
import { Badge } from '../../../design/badge.tsx';
import { chatTitle } from './chat-title.ts';
import { messageTime } from './message-time.ts';

/** Each row is one link named by the chat's title; the rest of the row is a larger hit area for it. */
export function ChatList({
  chats,
  myUserId,
  openChatId,
}: {
  chats: readonly Chat[];
  myUserId: string | undefined;
  openChatId: string | undefined;
}) {
  return (
    <ul className="chat-list">
      {chats.map((chat) => {
        const others = chat.members.filter((member) => member.userId !== myUserId);
        const pictured = others.length > 0 ? others : chat.members;
        const senderName = chat.members.find((member) => member.userId === chat.lastMessage?.senderId)?.name;
        const unread = chat.unreadCount > 0 && chat.id !== openChatId;
        return (
          <li
            key={chat.id}
            className={`chat-list__item${unread ? ' chat-list__item--unread' : ''}${chat.id === openChatId ? ' chat-list__item--open' : ''}`}
          >
            <span className={`avatar-stack avatar-stack--${Math.min(pictured.length, 2)}`} aria-hidden>
              {pictured.slice(0, 2).map((member) => (
                <Avatar key={member.userId} name={member.name} src={member.photoUrl ?? undefined} />
              ))}
            </span>
            <span className="chat-list__body">
              <span className="chat-list__top">
                <NavLink className="chat-list__link" to={`/chats/${chat.id}`} dir="auto">
                  {chatTitle(chat, myUserId)}
                </NavLink>
                {chat.lastMessage !== null && (
                  <time className="chat-list__time" dateTime={chat.lastMessage.sentAt}>
                    {messageTime(chat.lastMessage.sentAt)}
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
          </li>
        );
      })}
    </ul>
  );
}
