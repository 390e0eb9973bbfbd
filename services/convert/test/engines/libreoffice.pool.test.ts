import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@relay/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { enginesEnv } from '../../src/engines/engines.ts';
import { LibreOfficePool, type LibreOfficePoolOptions } from '../../src/engines/libreoffice/pool.ts';
import { isAlive } from '../../src/engines/libreoffice/processes.ts';
import { flatText, newMarker, pdfText, scratchDirectory, silentLogger } from './fixtures.ts';

const unoserverBin = loadConfig(enginesEnv, {}).UNOSERVER_BIN;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startPool(options: Partial<LibreOfficePoolOptions>) {
  const scratch = await scratchDirectory();
  cleanups.push(scratch.remove);
  const pool = new LibreOfficePool({
    size: 1,
    unoserverBin,
    workDir: join(scratch.path, 'work'),
    timeoutMs: 30_000,
    recycleAfter: 200,
    recycleRssBytes: 1024 * 1024 * 1024,
    logger: silentLogger,
    ...options,
  });
  cleanups.push(() => pool.close());
  await pool.start();
  const marker = newMarker();
  const source = join(scratch.path, 'source.fodt');
  await writeFile(source, flatText(marker, 1));
  let count = 0;
  const convert = async () => {
    count += 1;
    const outputPath = join(scratch.path, `out-${count}.pdf`);
    await pool.convert({ inputPath: source, outputPath, convertTo: 'pdf' });
    expect(await pdfText(outputPath)).toContain(marker);
  };
  const leader = async () => (await pool.stats()).instances[0];
  return { pool, convert, leader };
}

describe('LibreOffice pool', () => {
  it('queues jobs beyond its instances and runs them one at a time per instance', async () => {
    const { pool, convert } = await startPool({ size: 1 });
    const jobs = Array.from({ length: 4 }, () => convert());
    const during = await pool.stats();
    expect({ busy: during.busy, waiting: during.waiting }).toEqual({ busy: 1, waiting: 3 });
    await Promise.all(jobs);
    expect((await pool.stats()).instances[0]?.conversions).toBe(4);
  }, 60_000);

  it('recycles an instance after K conversions: it keeps converting until its successor (a new process group) is up', async () => {
    const { convert, leader } = await startPool({ recycleAfter: 2 });
    const first = await leader();
    await convert();
    await convert();
    // Its successor takes seconds to start; meanwhile the old instance still converts, so the slot is never down.
    await convert();
    expect((await leader())?.pid).toBe(first?.pid);
    await expect
      .poll(async () => (await leader())?.pid, { timeout: 30_000, interval: 250 })
      .not.toBe(first?.pid);
    expect((await leader())?.conversions).toBe(0);
    await expect
      .poll(() => (first?.processes ?? []).filter(({ pid }) => isAlive(pid)), {
        timeout: 15_000,
        interval: 250,
      })
      .toEqual([]);
    await convert();
  }, 60_000);

  it('replaces an instance whose soffice grew past the memory ceiling', async () => {
    const { convert, leader } = await startPool({ recycleRssBytes: 1 });
    const first = await leader();
    await convert();
    await expect
      .poll(async () => (await leader())?.pid, { timeout: 30_000, interval: 250 })
      .not.toBe(first?.pid);
    await expect.poll(async () => (await leader())?.state, { timeout: 30_000, interval: 250 }).toBe('idle');
    await convert();
  }, 60_000);

  it("a SIGKILLed worker's instances end on their own, and the next pool removes what it left on disk", async () => {
    const scratch = await scratchDirectory();
    cleanups.push(scratch.remove);
    const workDir = join(scratch.path, 'work');
    // A worker in its own process: starts a pool, prints its instances' pids, then is killed with SIGKILL.
    const worker = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { LibreOfficePool } from ${JSON.stringify(new URL('../../src/engines/libreoffice/pool.ts', import.meta.url).href)};
         import { createLogger } from '@relay/platform';
         const pool = new LibreOfficePool({ size: 1, unoserverBin: ${JSON.stringify(unoserverBin)}, workDir: ${JSON.stringify(workDir)},
           timeoutMs: 30000, recycleAfter: 200, recycleRssBytes: 2 ** 30, logger: createLogger({ name: 'w', level: 'silent' }) });
         await pool.start();
         const { instances } = await pool.stats();
         console.log(JSON.stringify(instances.flatMap((instance) => instance.processes.map((one) => one.pid))));
         setInterval(() => {}, 1000);`,
      ],
      { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(async () => {
      worker.kill('SIGKILL');
    });
    const [line] = (await once(worker.stdout, 'data')) as [Buffer];
    const orphans = JSON.parse(line.toString()) as number[];
    worker.kill('SIGKILL');
    await once(worker, 'exit');
    expect(orphans.length).toBeGreaterThan(0);
    // Their own process group would outlive the worker; the launcher's watchdog ends it.
    await expect.poll(() => orphans.filter(isAlive), { timeout: 15_000, interval: 250 }).toEqual([]);
    const left = await readdir(workDir);
    expect(left).toHaveLength(1);

    const next = new LibreOfficePool({
      size: 1,
      unoserverBin,
      workDir,
      timeoutMs: 30_000,
      recycleAfter: 200,
      recycleRssBytes: 1024 * 1024 * 1024,
      logger: silentLogger,
    });
    cleanups.push(() => next.close());
    await next.start();
    expect(await readdir(workDir)).not.toContain(left[0]);
  }, 60_000);
});
