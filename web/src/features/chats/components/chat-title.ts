import type { Chat } from '@relay/contracts';

/** A chat's title, or its other members' names when it has none. */
export function chatTitle(chat: Chat, myUserId: string | undefined): string {
  if (chat.title !== null && chat.title.trim() !== '') return chat.title;
  const others = chat.members.filter((member) => member.userId !== myUserId).map((member) => member.name);
  return others.length > 0 ? others.join(', ') : 'Just you';
}

/** "Alan, Grace and 2 others": first names, as one would greet them, in alphabetical order. */
export function greeting(names: readonly string[]): string {
  const first = names.map((name) => name.trim().split(/\s+/u)[0] ?? name).sort((a, b) => a.localeCompare(b));
  if (first.length <= 1) return first.join('');
  if (first.length <= 3) return `${first.slice(0, -1).join(', ')} and ${first.at(-1)}`;
  return `${first.slice(0, 2).join(', ')} and ${first.length - 2} others`;
}
