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
 * `./relay up`'s apps would share the 2 cores with the bench's own cluster (heartbeats, a consumer
 * polling, whatever a browser does meanwhile), so the figures would be the machine's, not Relay's.
 * The bench's events go to topics of its own (`bench.chat_service`), never to the stack's. Refuse.
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
      'They would compete with the bench’s own processes for the same cores: the figures would be wrong.\n' +
      'Stop the apps and keep the infrastructure: ./relay down && ./relay infra',
  );
  process.exit(2);
}

/** Busy CPU ticks (utime + stime, 1/100 s) of every live process, and each one's parent. */
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

function machineBusyTicks(): number {
  const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
  return user + nice + system + irq + softirq + steal;
}

interface Sample {
  machine: number;
  /** Busy ticks per role, each role's processes with their descendants. */
  roles: Map<string, number>;
  at: number;
}

/** Who a run is made of: role name → its root pids (e.g. `gateway` → every gateway process). */
export type RunRoles = () => Record<string, number[]>;

export interface CpuBreakdown {
  /** Cores busy on the whole machine. */
  machine: number;
  /** Cores busy in none of the run's roles: a noisy run shows as this above ~0.1. */
  other: number;
  /** Cores per role: the load generator (`bench`), the servers, the infrastructure they drive. */
  byRole: Record<string, number>;
}

/**
 * Where the machine's CPU goes during a run: per role of the run (the bench process itself, the
 * servers it started, `./relay`'s infrastructure), and what is none of them ("other": a test
 * suite, a build, a live stack). In cores, so 2.0 is the whole of a 2-core machine.
 */
export class CpuAccounting {
  readonly #roles: RunRoles;
  #start: Sample | undefined;

  constructor(roles: RunRoles) {
    this.#roles = roles;
  }

  #sample(): Sample {
    const roots = new Map<number, string>([[process.pid, 'bench']]);
    for (const name of INFRA) {
      const pid = pidFrom(join(RUN_DIR, `${name}.pid`));
      if (pid !== undefined) roots.set(pid, name);
    }
    for (const [role, pids] of Object.entries(this.#roles())) for (const pid of pids) roots.set(pid, role);
    const table = processTable();
    const roleOf = (pid: number): string | undefined => {
      for (let current = pid, hops = 0; current > 1 && hops < 64; hops += 1) {
        const role = roots.get(current);
        if (role !== undefined) return role;
        current = table.get(current)?.parent ?? 0;
      }
      return undefined;
    };
    const roles = new Map<string, number>();
    for (const [pid, entry] of table) {
      const role = roleOf(pid);
      if (role !== undefined) roles.set(role, (roles.get(role) ?? 0) + entry.ticks);
    }
    return { machine: machineBusyTicks(), roles, at: performance.now() };
  }

  start(): void {
    this.#start = this.#sample();
  }

  stop(): CpuBreakdown {
    const start = this.#start ?? this.#sample();
    const end = this.#sample();
    // /proc counts in USER_HZ ticks: 100 per second on Linux.
    const seconds = (end.at - start.at) / 1000;
    const cores = (ticks: number) => Math.round((ticks / 100 / seconds) * 100) / 100;
    const byRole: Record<string, number> = {};
    let own = 0;
    for (const [role, ticks] of end.roles) {
      const used = Math.max(0, ticks - (start.roles.get(role) ?? 0));
      own += used;
      if (used > 0) byRole[role] = cores(used);
    }
    const machine = end.machine - start.machine;
    return { machine: cores(machine), other: Math.max(0, cores(machine - own)), byRole };
  }
}

/** "gateway 0.61, kafka 0.4, …": the busiest first. */
export function formatCores(breakdown: CpuBreakdown): string {
  const roles = Object.entries(breakdown.byRole)
    .sort(([, a], [, b]) => b - a)
    .map(([role, cores]) => `${role} ${cores}`)
    .join(', ');
  return `${breakdown.machine} cores busy (${roles}; not this run's ${breakdown.other})`;
}

/** Busy and total jiffies of all CPUs since boot (/proc/stat's first line). */
function cpuJiffies(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  // idle and iowait
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Waits until the machine is quiet (under `threshold` of its CPU busy over a quarter second), at most
 * `maxMs`: a system measured right after another must not pay for the other's leftovers (Gotenberg
 * restarts its LibreOffice after every 10 conversions, in the background). Resolves with the ms waited.
 */
export async function settle(threshold = 0.15, maxMs = 20_000): Promise<number> {
  const began = Date.now();
  for (;;) {
    const before = cpuJiffies();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = cpuJiffies();
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (busy < threshold || Date.now() - began >= maxMs) return Date.now() - began;
  }
}
