import { useState } from 'react';
import { Outlet, useMatch } from 'react-router';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { EmptyState } from '../../../design/empty-state.tsx';
import { ChatIcon, PlusIcon } from '../../../design/icons.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { useProfile } from '../../profile/hooks/use-profile.ts';
import { useChatConnection } from '../hooks/use-chat-connection.ts';
import { useChats } from '../hooks/use-chats.ts';
import { ChatList } from './chat-list.tsx';
import { NewChatDialog } from './new-chat-dialog.tsx';
import { NotificationToggle } from './notification-toggle.tsx';
import { ChatListSkeleton } from './skeletons.tsx';
import './chats.css';

/**
 * The chats layout: the list beside the open room (the outlet). Narrow screens show one of them:
 * the list at /chats, the room (with a way back) at /chats/:id.
 */
export function ChatsPage() {
  const { reconnecting } = useChatConnection();
  const chats = useChats();
  const myUserId = useProfile().data?.id;
  const openChatId = useMatch('/chats/:chatId')?.params.chatId;
  const [creating, setCreating] = useState(false);

  return (
    <div className="chats-layout" data-pane={openChatId === undefined ? 'list' : 'room'}>
      <section className="chats-sidebar" aria-labelledby="chats-heading">
        <div className="chats-sidebar__header">
          <h1 id="chats-heading">Chats</h1>
          <NotificationToggle />
          <Button onClick={() => setCreating(true)}>
            <PlusIcon />
            New chat
          </Button>
        </div>
        {/* An open room says it, with what it means for sending; once is enough. */}
        {reconnecting && openChatId === undefined && <Banner tone="warning">Reconnecting…</Banner>}
        <div className="chats-sidebar__body">
          {chats.isPending && <ChatListSkeleton />}
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
              <EmptyState
                title="No chats yet"
                icon={<ChatIcon />}
                action={
                  <Button variant="secondary" onClick={() => setCreating(true)}>
                    Start your first chat
                  </Button>
                }
              >
                Give it a title if you like and add people by e-mail; they can join even before they sign up.
              </EmptyState>
            ) : (
              <ChatList chats={chats.data} myUserId={myUserId} openChatId={openChatId} />
            ))}
        </div>
      </section>
      <div className="chats-room-pane">
        <Outlet />
      </div>
      <NewChatDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}

/** The room pane with no room open (wide screens only: narrow ones show the list instead). */
export function NoChatOpen() {
  const chats = useChats();
  const none = chats.isSuccess && chats.data.length === 0;
  return (
    <div className="chats-none-open">
      <EmptyState title={none ? 'Your conversations will show here' : 'Pick a chat'} icon={<ChatIcon />}>
        {none
          ? 'Start a chat with New chat; it opens here, beside the list.'
          : 'Choose a conversation from the list, or start a new one with New chat.'}
      </EmptyState>
    </div>
  );
}
