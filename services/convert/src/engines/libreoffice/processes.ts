import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** One process of an instance's group, as /proc shows it. */
export interface GroupProcess {
  pid: number;
  /** The kernel's short name: `python3`, `oosplash`, `soffice.bin`. */
  command: string;
  rssBytes: number;
}

/** "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so fields are split after the last ')'. */
function parseStat(stat: string): { command: string; state: string; processGroup: number } {
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    command: stat.slice(stat.indexOf('(') + 1, close),
    state: fields[0] ?? '',
    processGroup: Number(fields[2]),
  };
}

/** Zombies (killed, not yet reaped by init, which takes a second or two here) count as gone. */
const isDeadState = (state: string) => state === 'Z' || state === 'X';

async function readStat(pid: number): Promise<ReturnType<typeof parseStat> | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone between listing and reading
  }
}

export async function readRssBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kilobytes === undefined ? 0 : Number(kilobytes) * 1024;
  } catch {
    return 0;
  }
}

/** Every running process of group `processGroup` (unoserver, oosplash and soffice.bin of one instance). */
export async function processGroupMembers(processGroup: number): Promise<GroupProcess[]> {
  const entries = await readdir('/proc');
  const members: GroupProcess[] = [];
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const pid = Number(entry);
        const stat = await readStat(pid);
        if (stat === undefined || stat.processGroup !== processGroup || isDeadState(stat.state)) return;
        members.push({ pid, command: stat.command, rssBytes: await readRssBytes(pid) });
      }),
  );
  return members.sort((a, b) => a.pid - b.pid);
}

export function isAlive(pid: number): boolean {
  try {
    return !isDeadState(parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).state);
  } catch {
    return false;
  }
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(processGroup: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-processGroup, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
