import { execFileSync } from 'node:child_process';
import { ROOT } from '@relay/testing';

/** What the check reads of a chat report: Relay's runs, its highest clean rate and its idle sockets. */
export interface ChatReport {
  machine?: { model?: string | undefined; commit?: string | undefined } | undefined;
  setup: { clients: number; rooms: number };
  setups: {
    runs: { targetRate: number; acceptedPerSecond: number; sendToReceiveMs: { p99: number } }[];
    idle?: { perSocketKiB: number } | undefined;
  }[];
  peer?:
    | {
        rows: {
          scenario: string;
          relay: { acceptedPerSecond: number; sendToReceiveMs: { p99: number } };
        }[];
        highestZeroLost: { relay?: { acceptedPerSecond: number } | undefined };
      }
    | undefined;
}

/**
 * Slower only past the noise of this 2-core machine (the same commit's runs differ by this much):
 * throughput down more than 10 %, p99 up more than half and more than 5 ms, idle memory up more
 * than half and more than 1 KiB per socket.
 */
const TOLERANCE = { accepted: 0.9, p99: 1.5, p99Ms: 5, idle: 1.5, idleKiB: 1 };

interface Figure {
  what: string;
  before: number;
  after: number;
  unit: string;
  /** True when the change is past the tolerance in the bad direction. */
  worse: boolean;
}

/** Relay's figures by scenario, named as the peer comparison names them ("pairs at 5000/s"). */
function figuresOf(report: ChatReport): Map<string, { accepted: number; p99: number }> {
  const byScenario = new Map<string, { accepted: number; p99: number }>();
  const { clients, rooms } = report.setup;
  const base = clients === rooms * 2 ? 'pairs' : `${clients} in ${rooms} rooms`;
  const runs = [
    ...(report.setups[0]?.runs ?? []).map((run) => ({ scenario: `${base} at ${run.targetRate}/s`, ...run })),
    ...(report.peer?.rows.map((row) => ({ scenario: row.scenario, ...row.relay })) ?? []),
  ];
  for (const run of runs)
    byScenario.set(run.scenario, { accepted: run.acceptedPerSecond, p99: run.sendToReceiveMs.p99 });
  return byScenario;
}

/** Every figure both reports have, before (committed) and after (this run), marked when it got worse. */
export function compareReports(committed: ChatReport, current: ChatReport): Figure[] {
  const figures: Figure[] = [];
  const before = figuresOf(committed);
  for (const [scenario, now] of figuresOf(current)) {
    const then = before.get(scenario);
    if (then === undefined) continue;
    figures.push({
      what: `${scenario}: accepted`,
      before: then.accepted,
      after: now.accepted,
      unit: 'msgs/s',
      worse: now.accepted < then.accepted * TOLERANCE.accepted,
    });
    figures.push({
      what: `${scenario}: p99 send → other member`,
      before: then.p99,
      after: now.p99,
      unit: 'ms',
      worse: now.p99 > then.p99 * TOLERANCE.p99 && now.p99 - then.p99 > TOLERANCE.p99Ms,
    });
  }
  const highestThen = committed.peer?.highestZeroLost.relay?.acceptedPerSecond;
  const highestNow = current.peer?.highestZeroLost.relay?.acceptedPerSecond;
  if (highestThen !== undefined && highestNow !== undefined)
    figures.push({
      what: 'highest rate with 0 lost',
      before: highestThen,
      after: highestNow,
      unit: 'msgs/s',
      worse: highestNow < highestThen * TOLERANCE.accepted,
    });
  const idleThen = committed.setups[0]?.idle?.perSocketKiB;
  const idleNow = current.setups[0]?.idle?.perSocketKiB;
  if (idleThen !== undefined && idleNow !== undefined)
    figures.push({
      what: 'idle RSS per socket',
      before: idleThen,
      after: idleNow,
      unit: 'KiB',
      worse: idleNow > idleThen * TOLERANCE.idle && idleNow - idleThen > TOLERANCE.idleKiB,
    });
  return figures;
}

/**
 * A warning when the committed report was measured on another CPU: machines of one kind differ (the
 * same code spent 1.2–1.3× less CPU per message on one than on another), so its figures say little.
 */
export function machineMismatch(committed: ChatReport, current: ChatReport): string | undefined {
  const then = committed.machine?.model;
  const now = current.machine?.model;
  if (then === undefined || now === undefined || then === now) return undefined;
  return `the committed report was measured on ${then} (${committed.machine?.commit ?? '?'}), this run on ${now}: compare runs of one machine`;
}

/** The report as last committed (HEAD), not the working copy a run just overwrote. */
export function committedReport(name: string): ChatReport {
  const path = `bench/results/${name}.json`;
  try {
    return JSON.parse(
      execFileSync('git', ['show', `HEAD:${path}`], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }),
    ) as ChatReport;
  } catch {
    throw new Error(`--check: no committed ${path} to compare with (commit a run's report first)`);
  }
}

/** Prints every compared figure and what got slower; true when nothing did. */
export function printCheck(name: string, figures: Figure[], warning?: string): boolean {
  console.log(`\n--check against the committed bench/results/${name}.json`);
  if (warning !== undefined) console.log(`  warning: ${warning}`);
  if (figures.length === 0) {
    console.log('  no figure in common: run the same scenarios as the committed report');
    return false;
  }
  for (const figure of figures) {
    const ratio = figure.before === 0 ? '—' : `×${Math.round((figure.after / figure.before) * 100) / 100}`;
    console.log(
      `  ${figure.worse ? 'SLOWER' : 'ok    '}  ${figure.what}: ${figure.before} → ${figure.after} ${figure.unit} (${ratio})`,
    );
  }
  const worse = figures.filter((figure) => figure.worse);
  console.log(
    worse.length === 0
      ? '  nothing got slower past the tolerance'
      : `  ${worse.length} figure(s) got slower: ${worse.map((figure) => figure.what).join('; ')}`,
  );
  return worse.length === 0;
}
