import type { Chat } from '@relay/contracts';
import { Avatar } from '../../../design/avatar.tsx';

/**
 * A chat's picture: a titled chat has its own (its title's initials, as Element does), a chat with
 * one other person shows them, an untitled group two of its people overlapping. Decorative: the
 * title beside it names the chat.
 */
export function ChatAvatar({ chat, myUserId }: { chat: Chat; myUserId: string | undefined }) {
  const others = chat.members.filter((member) => member.userId !== myUserId);
  const titled = chat.title !== null && chat.title.trim() !== '';
  const pictured = titled || others.length === 0 ? [] : others.slice(0, 2);
  return (
    <span className={`avatar-stack avatar-stack--${Math.max(pictured.length, 1)}`} aria-hidden>
      {pictured.length === 0 ? (
        <Avatar name={titled ? (chat.title ?? '') : (chat.members[0]?.name ?? '?')} />
      ) : (
        pictured.map((member) => (
          <Avatar key={member.userId} name={member.name} src={member.photoUrl ?? undefined} />
        ))
      )}
    </span>
  );
}
