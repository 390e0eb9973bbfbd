import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Avatar } from '../../../design/avatar.tsx';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { EmptyState } from '../../../design/empty-state.tsx';
import { ChatIcon } from '../../../design/icons.tsx';
import { Skeleton } from '../../../design/spinner.tsx';
import { useProfile } from '../../profile/hooks/use-profile.ts';
import { chatSocket } from '../api/chat-socket.ts';
import { readCounts } from '../hooks/room-messages.ts';
import { useChatConnection } from '../hooks/use-chat-connection.ts';
import { useChats } from '../hooks/use-chats.ts';
import { useMarkRead } from '../hooks/use-mark-read.ts';
import { useRoomMessages } from '../hooks/use-room-messages.ts';
import { useTypingUsers } from '../hooks/use-typing-users.ts';
import { AddMembersDialog } from './add-members-dialog.tsx';
import { chatTitle } from './chat-title.ts';
import { Composer } from './composer.tsx';
import { MessageLog } from './message-log.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import './chats.css';

export function ChatRoomPage() {
  const { chatId = '' } = useParams();
  const chats = useChats();
  const chat = chats.data?.find((candidate) => candidate.id === chatId);
  if (chats.isSuccess && chat === undefined && !chats.isFetching)
    return (
      <div className="page page--narrow">
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

function ChatRoom({ chatId }: { chatId: string }) {
  const myUserId = useProfile().data?.id;
  const { status, reconnecting } = useChatConnection();
  const chat = useChats().data?.find((candidate) => candidate.id === chatId);
  const { state, load, retry, loadOlder, send } = useRoomMessages(chatId, myUserId);
  const typing = useTypingUsers(chatId, myUserId);
  const [adding, setAdding] = useState(false);

  const names = useMemo(
    () => new Map(chat?.members.map((member) => [member.userId, member.name])),
    [chat?.members],
  );
  const nameOf = useCallback((userId: string) => names.get(userId) ?? 'Someone', [names]);
  const lastFromOthers = state.messages.findLast(
    (message) => message.senderId !== myUserId && message.messageId !== undefined,
  );
  useMarkRead(chatId, lastFromOthers?.messageId, status === 'open');
  const counts = useMemo(() => readCounts(state), [state]);
  const onNeedOlder = useCallback(() => void loadOlder(), [loadOlder]);

  return (
    <div className="chat-room">
      <div className="chat-room__header">
        <Link to="/chats" className="chat-room__back" aria-label="All chats">
          ←
        </Link>
        <h1 dir="auto">{chat === undefined ? <Skeleton width="10rem" /> : chatTitle(chat, myUserId)}</h1>
        <span className="chat-list__avatars">
          {chat?.members.slice(0, 4).map((member) => (
            <Avatar key={member.userId} name={member.name} src={member.photoUrl ?? undefined} />
          ))}
        </span>
        <Button variant="secondary" onClick={() => setAdding(true)}>
          Add people
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
      {load === 'loading' ? (
        <div className="message-log">
          <Skeleton height="3rem" width="60%" />
        </div>
      ) : (
        <MessageLog
          messages={state.messages}
          readCounts={counts}
          myUserId={myUserId}
          nameOf={nameOf}
          hasOlder={typeof state.olderCursor === 'string'}
          onNeedOlder={onNeedOlder}
        />
      )}
      <TypingIndicator names={typing.map(nameOf)} />
      <Composer onSend={send} onTyping={() => chatSocket.typing(chatId)} />
      <AddMembersDialog chatId={chatId} open={adding} onOpenChange={setAdding} />
    </div>
  );
}
