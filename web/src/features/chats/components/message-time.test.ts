import { describe, expect, it } from 'vitest';
import { listTime, messageTime } from './message-time.ts';

describe('listTime', () => {
  const now = new Date(2026, 10, 25, 15, 0);

  it('shows the time for today, then Yesterday, a weekday within the week, and a date before', () => {
    const today = new Date(2026, 10, 25, 9, 30).toISOString();
    expect(listTime(today, now)).toBe(messageTime(today));
    expect(listTime(new Date(2026, 10, 24, 23, 0).toISOString(), now)).toBe('Yesterday');
    const monday = new Date(2026, 10, 23, 12, 0);
    expect(listTime(monday.toISOString(), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(monday),
    );
    const old = new Date(2026, 9, 2, 12, 0);
    expect(listTime(old.toISOString(), now)).toBe(
      new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(old),
    );
  });
});
