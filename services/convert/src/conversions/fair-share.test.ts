import { describe, expect, it } from 'vitest';
import { nextTurn } from './fair-share.ts';

/** Submits `count` jobs of `owner` to a simulated queue and returns the order the queue starts them in. */
function simulate(arrivals: ReadonlyArray<{ owner: string; count: number }>, startedFirst = 0): string[] {
  const waiting: { owner: string; turn: number; seq: number }[] = [];
  const order: string[] = [];
  let seq = 0;
  const lastTurn = new Map<string, number>();
  for (const { owner, count } of arrivals) {
    for (let index = 0; index < count; index += 1) {
      const lowest = waiting.length === 0 ? undefined : Math.min(...waiting.map((job) => job.turn));
      const turn = nextTurn({ ownerLastTurn: lastTurn.get(owner) ?? 0, lowestWaitingTurn: lowest });
      lastTurn.set(owner, turn);
      waiting.push({ owner, turn, seq: seq++ });
    }
    // Some of the waiting jobs start before the next owner's arrive.
    for (let started = 0; started < startedFirst && waiting.length > 0; started += 1) order.push(take());
  }
  while (waiting.length > 0) order.push(take());
  return order;

  function take(): string {
    waiting.sort((a, b) => a.turn - b.turn || a.seq - b.seq);
    return (waiting.shift() as { owner: string }).owner;
  }
}

describe('nextTurn', () => {
  it('starts at turn 1 when nothing waits', () => {
    expect(nextTurn({ ownerLastTurn: 0, lowestWaitingTurn: undefined })).toBe(1);
  });

  it("puts an owner's jobs one after another", () => {
    expect(nextTurn({ ownerLastTurn: 7, lowestWaitingTurn: 3 })).toBe(8);
  });

  it('lets a newcomer join the round being served rather than the back of a flood', () => {
    expect(nextTurn({ ownerLastTurn: 0, lowestWaitingTurn: 41 })).toBe(41);
  });

  it("starts one other owner's single job after at most one of the flood's", () => {
    const order = simulate([
      { owner: 'ada', count: 60 },
      { owner: 'grace', count: 1 },
    ]);
    expect(order.indexOf('grace')).toBe(1);
  });

  it('alternates two floods once both wait, keeping each owner in the order sent', () => {
    const order = simulate(
      [
        { owner: 'ada', count: 20 },
        { owner: 'grace', count: 20 },
      ],
      5,
    );
    // The first five of Ada's had started; then one of each in turn.
    expect(order.slice(0, 5)).toEqual(Array(5).fill('ada'));
    expect(order.slice(5, 35)).toEqual(
      Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? 'ada' : 'grace')),
    );
  });

  it('never exceeds BullMQ’s priority range', () => {
    expect(nextTurn({ ownerLastTurn: 2 ** 21 - 1, lowestWaitingTurn: 5 })).toBe(2 ** 21 - 1);
  });
});
