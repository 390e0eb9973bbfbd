import type { Chat } from '@relay/contracts';

/** A chat's title, or its other members' names when it has none. */
export function chatTitle(chat: Chat, myUserId: string | undefined): string {
  if (chat.title !== null && chat.title.trim() !== '') return chat.title;
  const others = chat.members.filter((member) => member.userId !== myUserId).map((member) => member.name);
  return others.length > 0 ? others.join(', ') : 'Just you';
}
