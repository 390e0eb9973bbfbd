import { useState } from 'react';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { EmptyState } from '../../../design/empty-state.tsx';
import { ChatIcon } from '../../../design/icons.tsx';
import { Skeleton } from '../../../design/spinner.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { useProfile } from '../../profile/hooks/use-profile.ts';
import { useChatConnection } from '../hooks/use-chat-connection.ts';
import { useChats } from '../hooks/use-chats.ts';
import { useLiveChatList } from '../hooks/use-live-chat-list.ts';
import { ChatList } from './chat-list.tsx';
import { NewChatDialog } from './new-chat-dialog.tsx';
import './chats.css';

export function ChatsPage() {
  const { reconnecting } = useChatConnection();
  const chats = useChats();
  const myUserId = useProfile().data?.id;
  useLiveChatList(chats.data ?? [], myUserId);
  const [creating, setCreating] = useState(false);
  const newChat = <Button onClick={() => setCreating(true)}>New chat</Button>;

  return (
    <div className="page page--narrow">
      <div className="chats-header">
        <h1>Chats</h1>
        {newChat}
      </div>
      {reconnecting && <Banner tone="warning">Reconnecting…</Banner>}
      {chats.isPending && (
        <div className="stack" aria-hidden>
          <Skeleton height="4.5rem" />
          <Skeleton height="4.5rem" />
          <Skeleton height="4.5rem" />
        </div>
      )}
      {chats.isError && (
        <Banner tone="error">
          {errorMessage(chats.error)}
          <div>
            <Button variant="secondary" onClick={() => void chats.refetch()}>
              Try again
            </Button>
          </div>
        </Banner>
      )}
      {chats.isSuccess &&
        (chats.data.length === 0 ? (
          <EmptyState title="No chats yet" icon={<ChatIcon />}>
            Start a conversation: give it a title and add people by e-mail.
          </EmptyState>
        ) : (
          <ChatList chats={chats.data} myUserId={myUserId} />
        ))}
      <NewChatDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}
