import { describe, expect, it } from 'vitest';
import { type ChatReport, compareReports, machineMismatch } from './regression-check.ts';

/** A report with one pairs row and one rooms row, as bench/chat --peer writes it. */
function report(figures: {
  pairsAccepted: number;
  pairsP99: number;
  roomsP99: number;
  highest: number;
  idleKiB: number;
}): ChatReport {
  const row = (scenario: string, acceptedPerSecond: number, p99: number) => ({
    scenario,
    relay: { acceptedPerSecond, sendToReceiveMs: { p99 } },
  });
  return {
    setup: { clients: 20, rooms: 10 },
    setups: [{ runs: [], idle: { perSocketKiB: figures.idleKiB } }],
    peer: {
      rows: [
        row('pairs at 10000/s', figures.pairsAccepted, figures.pairsP99),
        row('rooms of 5 at 3000/s', 3000, figures.roomsP99),
      ],
      highestZeroLost: { relay: { acceptedPerSecond: figures.highest } },
    },
  };
}

const committed = report({ pairsAccepted: 9900, pairsP99: 40, roomsP99: 10, highest: 12000, idleKiB: 5 });
const worse = (figures: ReturnType<typeof compareReports>) =>
  figures.filter((f) => f.worse).map((f) => f.what);

describe('bench/chat --check', () => {
  it('passes a run within this machine’s noise', () => {
    const now = report({ pairsAccepted: 9500, pairsP99: 55, roomsP99: 14, highest: 11000, idleKiB: 6 });
    const figures = compareReports(committed, now);
    expect(figures).toHaveLength(6);
    expect(worse(figures)).toEqual([]);
  });

  it('names each figure that got slower past it: throughput, p99, highest clean rate, idle memory', () => {
    const now = report({ pairsAccepted: 8000, pairsP99: 90, roomsP99: 16, highest: 9000, idleKiB: 9 });
    expect(worse(compareReports(committed, now))).toEqual([
      'pairs at 10000/s: accepted',
      'pairs at 10000/s: p99 send → other member',
      'rooms of 5 at 3000/s: p99 send → other member',
      'highest rate with 0 lost',
      'idle RSS per socket',
    ]);
  });

  it('compares a run without the peer on the scenarios it shares with the committed report', () => {
    const quick: ChatReport = {
      setup: { clients: 20, rooms: 10 },
      setups: [{ runs: [{ targetRate: 10000, acceptedPerSecond: 9950, sendToReceiveMs: { p99: 120 } }] }],
    };
    const figures = compareReports(committed, quick);
    expect(figures.map((figure) => figure.what)).toEqual([
      'pairs at 10000/s: accepted',
      'pairs at 10000/s: p99 send → other member',
    ]);
    expect(figures.filter((figure) => figure.worse).map((figure) => figure.what)).toEqual([
      'pairs at 10000/s: p99 send → other member',
    ]);
  });

  it('does not call a small p99 rise slower, however large its ratio', () => {
    const fast = report({ pairsAccepted: 9900, pairsP99: 2, roomsP99: 1, highest: 12000, idleKiB: 5 });
    const now = report({ pairsAccepted: 9900, pairsP99: 6, roomsP99: 4, highest: 12000, idleKiB: 5 });
    expect(worse(compareReports(fast, now))).toEqual([]);
  });

  it('warns when the committed report comes from another CPU, and only then', () => {
    const on = (model: string | undefined): ChatReport => ({
      ...committed,
      machine: { model, commit: 'abc1234' },
    });
    expect(machineMismatch(on('AMD EPYC'), on('Intel(R) Xeon(R) Processor'))).toBe(
      'the committed report was measured on AMD EPYC (abc1234), this run on Intel(R) Xeon(R) Processor: compare runs of one machine',
    );
    expect(machineMismatch(on('AMD EPYC'), on('AMD EPYC'))).toBeUndefined();
    expect(machineMismatch(committed, on('AMD EPYC'))).toBeUndefined();
  });
});
