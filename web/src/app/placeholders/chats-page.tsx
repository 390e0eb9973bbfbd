import { ChatIcon } from '../../design/icons.tsx';
import { ComingSoonPage } from './coming-soon-page.tsx';

export function ChatsPage() {
  return (
    <ComingSoonPage
      title="Chats"
      emptyTitle="No chats yet"
      description="Conversations you start or are added to will appear here."
      icon={<ChatIcon />}
    />
  );
}
