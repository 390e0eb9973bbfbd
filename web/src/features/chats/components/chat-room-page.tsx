import type { Chat } from '@relay/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { EmptyState } from '../../../design/empty-state.tsx';
import { ArrowLeftIcon, ChatIcon, PersonPlusIcon } from '../../../design/icons.tsx';
import { Skeleton } from '../../../design/spinner.tsx';
import { useProfile } from '../../profile/hooks/use-profile.ts';
import { chatSocket } from '../api/chat-socket.ts';
import { readCounts } from '../hooks/room-messages.ts';
import { useChatConnection } from '../hooks/use-chat-connection.ts';
import { useChats } from '../hooks/use-chats.ts';
import { useListFollowsRoom } from '../hooks/use-list-follows-room.ts';
import { useMarkRead } from '../hooks/use-mark-read.ts';
import { usePageVisible } from '../hooks/use-page-visible.ts';
import { useRoomMessages } from '../hooks/use-room-messages.ts';
import { useTypingUsers } from '../hooks/use-typing-users.ts';
import { AddMembersDialog } from './add-members-dialog.tsx';
import { ChatAvatar } from './chat-avatar.tsx';
import { chatTitle, greeting } from './chat-title.ts';
import { Composer } from './composer.tsx';
import { MessageLog } from './message-log.tsx';
import { firstUnreadKey } from './message-rows.ts';
import { MessageSkeleton } from './skeletons.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import './chats.css';

/** The room pane: the room, or why it is not here. */
export function ChatRoomPage() {
  const { chatId = '' } = useParams();
  const chats = useChats();
  const chat = chats.data?.find((candidate) => candidate.id === chatId);
  if (chats.isSuccess && chat === undefined && !chats.isFetching)
    return (
      <div className="chat-room chat-room--missing">
        <BackLink />
        <h1>Chat not found</h1>
        <EmptyState
          title="This chat is not here"
          icon={<ChatIcon />}
          action={<Link to="/chats">All chats</Link>}
        >
          It may have been removed, or you are not one of its members.
        </EmptyState>
      </div>
    );
  return <ChatRoom key={chatId} chatId={chatId} />;
}

/** Back to the list: only shown where the list is not beside the room (narrow screens). */
function BackLink() {
  return (
    <Link to="/chats" className="chat-room__back" aria-label="All chats">
      <ArrowLeftIcon />
    </Link>
  );
}

/** The unread count as it was when the room opened, before reading it set it to 0. */
function useUnreadAtOpen(chat: Chat | undefined): number | undefined {
  const [unread, setUnread] = useState(chat?.unreadCount);
  useEffect(() => {
    if (unread === undefined && chat !== undefined) setUnread(chat.unreadCount);
  }, [unread, chat]);
  return unread;
}

function ChatRoom({ chatId }: { chatId: string }) {
  const myUserId = useProfile().data?.id;
  const { status, reconnecting } = useChatConnection();
  const chat = useChats().data?.find((candidate) => candidate.id === chatId);
  const { state, load, retry, loadOlder, send } = useRoomMessages(chatId, myUserId);
  const typing = useTypingUsers(chatId, myUserId);
  const [adding, setAdding] = useState(false);
  const unreadAtOpen = useUnreadAtOpen(chat);

  const members = useMemo(
    () =>
      new Map(
        chat?.members.map((member) => [
          member.userId,
          { name: member.name, photoUrl: member.photoUrl ?? undefined },
        ]),
      ),
    [chat?.members],
  );
  const memberOf = useCallback(
    (userId: string) => members.get(userId) ?? { name: 'Someone', photoUrl: undefined },
    [members],
  );
  const others = chat?.members.filter((member) => member.userId !== myUserId) ?? [];
  const lastFromOthers = state.messages.findLast(
    (message) => message.senderId !== myUserId && message.messageId !== undefined,
  );
  // Reading waits until the unread count at opening is known (the "New messages" line needs it),
  // and while the tab is hidden: what comes in then counts in the title until the reader is back.
  const visible = usePageVisible();
  useMarkRead(
    chatId,
    lastFromOthers?.messageId,
    status === 'open' && unreadAtOpen !== undefined && visible,
    chat?.unreadCount ?? 0,
  );
  useListFollowsRoom(
    chatId,
    state.messages.findLast((message) => message.messageId !== undefined),
  );
  const counts = useMemo(() => readCounts(state), [state]);
  const onNeedOlder = useCallback(() => void loadOlder(), [loadOlder]);

  // Decided once, when the room is first shown: messages arriving later are read as they come.
  const [divider, setDivider] = useState<{ key: string | undefined }>();
  const ready = load === 'ready' && unreadAtOpen !== undefined && myUserId !== undefined;
  useEffect(() => {
    if (ready && divider === undefined)
      setDivider({ key: firstUnreadKey(state.messages, unreadAtOpen, myUserId) });
  }, [ready, divider, state.messages, unreadAtOpen, myUserId]);

  return (
    <div className="chat-room">
      <div className="chat-room__header">
        <BackLink />
        {chat !== undefined && <ChatAvatar chat={chat} myUserId={myUserId} />}
        <div className="chat-room__heading">
          <h1 dir="auto">{chat === undefined ? <Skeleton width="10rem" /> : chatTitle(chat, myUserId)}</h1>
          {chat !== undefined && (
            <p className="chat-room__members muted">
              {chat.members.length === 1 ? 'Only you' : `${chat.members.length} members`}
            </p>
          )}
        </div>
        <Button variant="secondary" className="chat-room__add" onClick={() => setAdding(true)}>
          <PersonPlusIcon />
          <span className="chat-room__add-label">Add people</span>
        </Button>
      </div>
      {reconnecting && (
        <Banner tone="warning">
          Reconnecting… Messages you send now go out once the connection is back.
        </Banner>
      )}
      {load === 'error' && (
        <Banner tone="error">
          The messages could not be loaded.
          <div>
            <Button variant="secondary" onClick={retry}>
              Try again
            </Button>
          </div>
        </Banner>
      )}
      {load === 'error' ? null : divider === undefined ? (
        <MessageSkeleton />
      ) : (
        <MessageLog
          messages={state.messages}
          readCounts={counts}
          myUserId={myUserId}
          memberOf={memberOf}
          firstUnreadKey={divider.key}
          hasOlder={typeof state.olderCursor === 'string'}
          onNeedOlder={onNeedOlder}
          empty={
            others.length > 0 ? (
              <EmptyState
                title={`Say hello to ${greeting(others.map((member) => member.name))}`}
                icon={<ChatIcon />}
              >
                Nothing has been said here yet. Your first message goes to everyone in this chat.
              </EmptyState>
            ) : (
              <EmptyState
                title="Only you are here"
                icon={<ChatIcon />}
                action={
                  <Button variant="secondary" onClick={() => setAdding(true)}>
                    Invite people
                  </Button>
                }
              >
                Add people by e-mail to start the conversation; notes to yourself work too.
              </EmptyState>
            )
          }
        />
      )}
      <div className="chat-room__footer">
        <TypingIndicator names={typing.map((userId) => memberOf(userId).name)} />
        <Composer onSend={send} onTyping={() => chatSocket.typing(chatId)} />
      </div>
      <AddMembersDialog chatId={chatId} open={adding} onOpenChange={setAdding} />
    </div>
  );
}
