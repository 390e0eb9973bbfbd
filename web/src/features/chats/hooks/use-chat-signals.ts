import { useMatch, useNavigate } from 'react-router';
import { useProfile } from '../../profile/hooks/use-profile.ts';
import { useChatConnection } from './use-chat-connection.ts';
import { useChats } from './use-chats.ts';
import { useDesktopNotifications } from './use-desktop-notifications.ts';
import { useLiveChatList } from './use-live-chat-list.ts';
import { totalUnread } from './use-unread-title.ts';

/**
 * What every signed-in page keeps up with, whichever section is shown: the live chat list, the
 * desktop notifications it leads to, and the total unread count for the title and the Chats badge.
 */
export function useChatSignals(): { unread: number } {
  useChatConnection();
  const chats = useChats();
  const myUserId = useProfile().data?.id;
  const openChatId = useMatch('/chats/:chatId')?.params.chatId;
  const navigate = useNavigate();
  useLiveChatList(chats.data ?? [], myUserId, openChatId);
  useDesktopNotifications(chats.data ?? [], myUserId, (chatId) => void navigate(`/chats/${chatId}`));
  return { unread: totalUnread(chats.data) };
}
