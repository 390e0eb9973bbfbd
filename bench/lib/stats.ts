import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Shared by every chat load driver (Relay's and its peers'), so their figures mean the same. */
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
export const round = (value: number) => Math.round(value * 10) / 10;
export const summarize = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
  };
};

/**
 * Calls `send(index)` at a fixed total `rate` per second for `seconds`: every 2 ms tick sends
 * what is due since `start`, so a slow tick is caught up rather than lowering the rate.
 */
export async function paceSends(rate: number, seconds: number, send: (index: number) => void) {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
    for (let count = 0; count < due; count += 1) {
      send(sent);
      sent += 1;
    }
    await sleep(2);
  }
  return { start, sent, sendSeconds: (performance.now() - start) / 1000 };
}

/**
 * How long idle sockets sit before their server's RSS is read: past the 10-s windows that
 * per-connection limits keep for each new socket (Relay's subscribe limiter), so what is counted
 * is what an idle socket keeps, the same wait for both systems.
 */
export const IDLE_SETTLE_MS = 12_000;
