const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "14:05": the time of day in the reader's locale. */
export function messageTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** The reader's local calendar day of a moment, as a key to group messages by. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** "Today", "Yesterday" or the full date, for a day separator. */
export function dayLabel(iso: string, now = new Date()): string {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(iso) === dayKey(now.toISOString())) return 'Today';
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return 'Yesterday';
  return dayFormat.format(new Date(iso));
}

const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const WEEK_MS = 6 * 24 * 60 * 60 * 1000;

/** A chat row's time, as chat apps show it: "14:05" today, then "Yesterday", a weekday, a date. */
export function listTime(iso: string, now = new Date()): string {
  const label = dayLabel(iso, now);
  if (label === 'Today') return messageTime(iso);
  if (label === 'Yesterday') return label;
  const date = new Date(iso);
  return now.getTime() - date.getTime() < WEEK_MS ? weekdayFormat.format(date) : shortDateFormat.format(date);
}
