import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@relay/testing';

/** Benchmarks run against the local stack; its generated secrets live here. */
export function loadLocalEnv(): void {
  const file = join(ROOT, '.local/relay.env');
  if (existsSync(file) && process.env.S3_SECRET_ACCESS_KEY === undefined) process.loadEnvFile(file);
}

/** `root` and every process under it, whatever process group each runs in (read from /proc). */
export function descendantsOf(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found = [root];
  for (let index = 0; index < found.length; index += 1)
    found.push(...(parents.get(found[index] as number) ?? []));
  return found;
}
