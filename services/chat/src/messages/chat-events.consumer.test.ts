import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from './chat-events.consumer.ts';

const event = {
  id: randomUUID(),
  type: 'chat.member.added',
  version: 1,
  occurredAt: new Date().toISOString(),
  correlationId: 'c',
  payload: { chatId: randomUUID(), userId: randomUUID(), addedBy: randomUUID() },
};

describe('decodeRecord', () => {
  it('accepts a valid event', () => {
    expect(decodeRecord(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it.each([
    ['', /empty/],
    ['{"type":', /invalid JSON/],
    [JSON.stringify({ ...event, version: 2 }), /unsupported version 2/],
    [JSON.stringify({ ...event, type: 'chat.exploded' }), /schema: type/],
    [JSON.stringify({ ...event, payload: { chatId: 'nope' } }), /schema: payload/],
  ])('calls %j poison with a reason', (value, reason) => {
    const decoded = decodeRecord(value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});
