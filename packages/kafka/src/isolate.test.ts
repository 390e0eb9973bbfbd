import { describe, expect, it } from 'vitest';
import { applyIsolating } from './isolate.ts';

class Rejected extends Error {}
const isRejected = (error: unknown): error is Rejected => error instanceof Rejected;

/**
 * A store double holding numbers: a transaction with any of `refused` in it is rejected whole
 * and leaves nothing; `outageOnCall` makes that one call fail as an unreachable store would.
 */
function fakeStore(refused: number[], outageOnCall?: number) {
  const stored: number[] = [];
  const calls: number[][] = [];
  const apply = async (items: readonly number[]) => {
    calls.push([...items]);
    if (calls.length === outageOnCall) throw new Error('connection refused');
    const bad = items.find((item) => refused.includes(item));
    if (bad !== undefined) throw new Rejected(`refused ${bad}`);
    stored.push(...items);
  };
  return { stored, calls, apply };
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('applyIsolating', () => {
  it('applies a batch the store takes in one call', async () => {
    const store = fakeStore([]);
    expect(await applyIsolating(range(10), store.apply, isRejected)).toEqual([]);
    expect(store.calls).toEqual([range(10)]);
    expect(store.stored).toEqual(range(10));
  });

  it('applies nothing and calls nothing for an empty batch', async () => {
    const store = fakeStore([]);
    expect(await applyIsolating([], store.apply, isRejected)).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  it.each([[[0]], [[999]], [[500]], [[3, 4, 5]], [[0, 999, 250, 251, 777]]])(
    'returns exactly the refused items %j with their rejections and applies every other one in order',
    async (refused) => {
      const store = fakeStore(refused);
      const result = await applyIsolating(range(1000), store.apply, isRejected);
      expect(result.map(({ item }) => item)).toEqual([...refused].sort((a, b) => a - b));
      for (const { item, rejection } of result) expect(rejection.message).toBe(`refused ${item}`);
      expect(store.stored).toEqual(range(1000).filter((item) => !refused.includes(item)));
    },
  );

  it('needs about 2·log2(n) calls to find one refused item', async () => {
    const store = fakeStore([617]);
    await applyIsolating(range(1024), store.apply, isRejected);
    expect(store.calls.length).toBeLessThanOrEqual(1 + 2 * 10);
  });

  it('refuses a batch of one as itself', async () => {
    const store = fakeStore([7]);
    expect(await applyIsolating([7], store.apply, isRejected)).toEqual([
      { item: 7, rejection: new Rejected('refused 7') },
    ]);
    expect(store.stored).toEqual([]);
  });

  it('throws an outage, even in the middle of isolating; a retry finishes the job', async () => {
    const store = fakeStore([5], 3); // calls: [0..8) rejected, [0..4) applied, [4..8) unreachable
    await expect(applyIsolating(range(8), store.apply, isRejected)).rejects.toThrow('connection refused');
    expect(store.stored).toEqual([0, 1, 2, 3]);
    // The caller retries the batch; a real store applies a part twice without effect, so compare as sets.
    const retried = await applyIsolating(range(8), store.apply, isRejected);
    expect(retried.map(({ item }) => item)).toEqual([5]);
    expect(new Set(store.stored)).toEqual(new Set([0, 1, 2, 3, 4, 6, 7]));
  });
});
