import { describe, expect, it } from 'vitest';
import { type RunFigures, stepUp } from './centrifugo-bench.ts';

/** A system that delivers everything up to `capacity` msgs/s and loses messages above it. */
function systemWithCapacity(capacity: number) {
  const offered: number[] = [];
  const runAt = async (rate: number): Promise<RunFigures> => {
    offered.push(rate);
    return figures(rate, rate <= capacity);
  };
  return { runAt, offered };
}

function figures(rate: number, clean: boolean): RunFigures {
  return {
    scenario: 'pairs',
    targetRate: rate,
    acceptedPerSecond: clean ? rate : rate * 0.8,
    sendToReceiveMs: { p50: 1, p99: 2, max: 3 },
    lost: clean ? 0 : 10,
    duplicated: 0,
    serverRssMiB: 100,
  };
}

describe('bench/chat step-up', () => {
  it('steps up by quarters, then halves the gap until the highest clean rate is known within 7 %', async () => {
    const system = systemWithCapacity(17_000);
    const runs = [figures(10_000, true)];
    const highest = await stepUp(system.runAt, runs);
    // Quarters: 12,500 and 15,750 clean, 19,750 lost; then halving: 17,750 lost, 16,750 clean.
    expect(system.offered).toEqual([12_500, 15_750, 19_750, 17_750, 16_750]);
    expect(highest?.targetRate).toBe(16_750);
    expect(runs.map((run) => run.targetRate)).toEqual([10_000, ...system.offered]);
  });

  it('does not offer a rate at or above one that already failed', async () => {
    const system = systemWithCapacity(11_000);
    const highest = await stepUp(system.runAt, [figures(10_000, true), figures(12_000, false)]);
    // Straight to halving between 10,000 and 12,000: 11,000 clean, 11,500 lost.
    expect(system.offered).toEqual([11_000, 11_500]);
    expect(highest?.targetRate).toBe(11_000);
  });

  it('stops at its maximum without halving when nothing failed', async () => {
    const system = systemWithCapacity(1_000_000);
    const highest = await stepUp(system.runAt, [figures(30_000, true)]);
    expect(system.offered).toEqual([37_500]);
    expect(highest?.targetRate).toBe(37_500);
  });

  it('finds nothing when no run was clean', async () => {
    const system = systemWithCapacity(0);
    expect(await stepUp(system.runAt, [figures(1_000, false)])).toBeUndefined();
    expect(system.offered).toEqual([]);
  });
});
