import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@relay/testing';

const RUN_DIR = join(ROOT, '.local/run');
/** The infrastructure a run drives (its CPU is the run's, not "other"): `./relay`'s pid files. */
const INFRA = ['postgres', 'redis', 'kafka', 's3', 'maildev', 'jaeger'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidFrom(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/**
 * A chat-consumer of `./relay up` reads the same `chat_service` topic as the bench's own cluster:
 * every bench message would be persisted twice, by two consumers sharing the 2 cores. Refuse.
 */
export function refuseBesideLiveStack(): void {
  if (!existsSync(RUN_DIR)) return;
  const live = readdirSync(RUN_DIR)
    .filter((file) => /^chat-consumer(-\d+)?\.pid$/.test(file))
    .map((file) => ({ file, pid: pidFrom(join(RUN_DIR, file)) }))
    .filter((entry) => entry.pid !== undefined);
  if (live.length === 0) return;
  console.error(
    `bench: ./relay up's apps are running (${live.map((entry) => `${entry.file.replace('.pid', '')} pid ${entry.pid}`).join(', ')}).\n` +
      'Their chat-consumer reads the same chat_service topic as the bench, so every bench message would be\n' +
      'persisted twice and the two would compete for the same cores: the figures would be wrong.\n' +
      'Stop the apps and keep the infrastructure: ./relay down && bash infra/local/stack.sh up',
  );
  process.exit(2);
}

interface Ticks {
  /** Busy CPU ticks of the whole machine. */
  busy: number;
  /** Busy ticks of the run's own processes and their descendants. */
  own: number;
  at: number;
}

function machineBusyTicks(): number {
  const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** Every live process: its parent and its own busy ticks (utime + stime). */
function processTable(): Map<number, { parent: number; ticks: number }> {
  const table = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name (which may hold spaces).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { parent: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return table;
}

function ownTicks(roots: ReadonlySet<number>): number {
  const table = processTable();
  const isOwn = (pid: number): boolean => {
    for (let current = pid, hops = 0; current > 1 && hops < 64; hops += 1) {
      if (roots.has(current)) return true;
      current = table.get(current)?.parent ?? 0;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, process] of table) if (isOwn(pid)) ticks += process.ticks;
  return ticks;
}

/**
 * CPU used during a run by everything that is not the run: the bench, the processes it started
 * and the infrastructure they drive count as the run; anything else (a test suite, a build, a
 * live stack) is "other", in cores. A noisy run shows as other load above ~0.1.
 */
export class OtherCpuLoad {
  readonly #roots: () => number[];
  #start: Ticks | undefined;

  constructor(runPids: () => number[]) {
    this.#roots = runPids;
  }

  #sample(): Ticks {
    const infra = INFRA.map((name) => pidFrom(join(RUN_DIR, `${name}.pid`))).filter(
      (pid): pid is number => pid !== undefined,
    );
    const roots = new Set([process.pid, ...this.#roots(), ...infra]);
    return { busy: machineBusyTicks(), own: ownTicks(roots), at: performance.now() };
  }

  start(): void {
    this.#start = this.#sample();
  }

  /** Cores used by others since `start`, and by the whole machine. */
  stop(): { otherCores: number; machineCores: number } {
    const start = this.#start ?? this.#sample();
    const end = this.#sample();
    // /proc counts in USER_HZ ticks: 100 per second on Linux.
    const seconds = (end.at - start.at) / 1000;
    const cores = (ticks: number) => Math.round((ticks / 100 / seconds) * 100) / 100;
    const machine = end.busy - start.busy;
    return { otherCores: Math.max(0, cores(machine - (end.own - start.own))), machineCores: cores(machine) };
  }
}
