import { readdir, readFile } from 'node:fs/promises';

/** One process of an instance's group, as /proc shows it. */
export interface GroupProcess {
  pid: number;
  /** The kernel's short name: `python3`, `oosplash`, `soffice.bin`. */
  command: string;
  rssBytes: number;
}

async function readStat(pid: number): Promise<{ command: string; processGroup: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { command: stat.slice(stat.indexOf('(') + 1, close), processGroup: Number(fields[2]) };
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

/** Every live process whose process group is `processGroup` (unoserver, oosplash and soffice.bin of one instance). */
export async function processGroupMembers(processGroup: number): Promise<GroupProcess[]> {
  const entries = await readdir('/proc');
  const members: GroupProcess[] = [];
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const pid = Number(entry);
        const stat = await readStat(pid);
        if (stat?.processGroup !== processGroup) return;
        members.push({ pid, command: stat.command, rssBytes: await readRssBytes(pid) });
      }),
  );
  return members.sort((a, b) => a.pid - b.pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
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
