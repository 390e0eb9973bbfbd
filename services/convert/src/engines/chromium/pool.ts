import type { Logger } from '@relay/platform';
import { type Browser, type BrowserContext, type BrowserServer, chromium, type Page } from 'playwright-core';
import { ConversionFailed } from '../engine.ts';
import { RetryableReason } from '../reasons.ts';

export interface ChromiumPoolOptions {
  /** Browsers kept warm; one job each at a time. */
  size: number;
  executablePath: string;
  /** A job past this (page load and printing) has its browser killed and replaced. */
  timeoutMs: number;
  /** A browser is replaced after this many jobs (a long-lived renderer only grows). */
  recycleAfter: number;
  logger: Logger;
}

type SlotState = 'starting' | 'idle' | 'busy' | 'down' | 'closed';

/**
 * A browser process (the server, which can be killed), this pool's connection to it, and the one
 * context every job's page opens in: no JavaScript, no service workers, no downloads. A context per
 * job cost 3× the CPU of a page per job (measured: 154 against 441 invoices a minute on 2 cores);
 * with JavaScript off a page can leave nothing in it for the next, and a routed page bypasses the cache.
 */
interface Running {
  server: BrowserServer;
  browser: Browser;
  context: BrowserContext;
}

interface Slot {
  index: number;
  state: SlotState;
  running: Running | undefined;
  jobs: number;
}

export interface ChromiumPoolStats {
  size: number;
  busy: number;
  waiting: number;
  /** Browsers launched since the pool started: the first ones, then each replacement. */
  launches: number;
  browsers: Array<{ slot: number; state: SlotState; pid: number | undefined; jobs: number }>;
}

/** The arguments beyond Playwright's own headless defaults: nothing a print job does not need. */
const ARGS = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--mute-audio',
  // Every connection goes to a proxy that is not there: the route refuses requests, and this stops the
  // connections Chromium opens ahead of them (preconnects), loopback included.
  '--proxy-server=http://127.0.0.1:1',
  '--proxy-bypass-list=<-loopback>',
];

export const UNAVAILABLE = 'The HTML converter (Chromium) could not be started. Upload the file again later.';

/**
 * N warm Chromium browsers (Debian's, over CDP). A job gets a fresh context on a free browser, which
 * is closed after it; a job past its timeout has its browser killed (the whole process group) and
 * replaced, a browser that crashed is replaced, and one that served `recycleAfter` jobs is replaced
 * between jobs. A browser that cannot start leaves its slot down; the next job or ping tries again.
 */
export class ChromiumPool {
  private readonly options: ChromiumPoolOptions;
  private readonly slots: Slot[];
  private readonly waiters: Array<{ resolve: (slot: Slot) => void; reject: (error: unknown) => void }> = [];
  private launches = 0;
  private closed = false;

  constructor(options: ChromiumPoolOptions) {
    this.options = options;
    this.slots = Array.from({ length: options.size }, (_, index) => ({
      index,
      state: 'down' as SlotState,
      running: undefined,
      jobs: 0,
    }));
  }

  /** Launches every browser. Never throws: a Chromium that cannot start is reported by ping(). */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.launch(slot).catch(() => undefined)));
  }

  /** Readiness: a browser is connected; when none is, one is launched now, and its failure is the answer. */
  async ping(): Promise<void> {
    if (
      this.slots.some(
        (slot) => (slot.state === 'idle' || slot.state === 'busy') && slot.running?.browser.isConnected(),
      )
    )
      return;
    const down = this.slots.find((slot) => slot.state === 'down');
    if (down === undefined) {
      if (this.slots.some((slot) => slot.state === 'starting')) return;
      throw new Error('no Chromium browser is running');
    }
    try {
      await this.launch(down);
    } catch (error) {
      const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw new Error(`Chromium (${this.options.executablePath}) could not be started: ${first}`);
    }
    this.handOver(down);
  }

  /**
   * Runs `job` in a new page of a free browser, within the timeout. `newPage` opens it in the
   * browser's context (the caller routes its requests); it is closed after the job whatever happens.
   */
  async run<T>(
    newPage: (context: BrowserContext) => Promise<Page>,
    job: (page: Page) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (signal?.aborted) throw new ConversionFailed(RetryableReason.interrupted, { retryable: true });
    const slot = await this.acquire(signal);
    const running = slot.running as Running;
    const { browser } = running;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const stop = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
    let page: Page | undefined;
    // A hung renderer answers nothing, not even a close: killing the browser is what ends the job.
    const onStop = () => killBrowser(running);
    stop.addEventListener('abort', onStop, { once: true });
    try {
      page = await newPage(running.context);
      const result = await job(page);
      await page.close();
      stop.removeEventListener('abort', onStop);
      slot.jobs += 1;
      await this.releaseOrRecycle(slot);
      return result;
    } catch (error) {
      stop.removeEventListener('abort', onStop);
      const healthy = browser.isConnected() && !stop.aborted;
      if (healthy) {
        await page?.close().catch(() => undefined);
        slot.jobs += 1;
        await this.releaseOrRecycle(slot);
        throw error;
      }
      killBrowser(running);
      void this.replace(slot);
      if (timeout.aborted) {
        const seconds = Math.round(this.options.timeoutMs / 100) / 10;
        throw new ConversionFailed(`The conversion took longer than ${seconds} s and was stopped.`, {
          retryable: false,
          cause: error,
        });
      }
      if (signal?.aborted)
        throw new ConversionFailed(RetryableReason.interrupted, { retryable: true, cause: error });
      throw new ConversionFailed(RetryableReason.engineStopped, { retryable: true, cause: error });
    }
  }

  stats(): ChromiumPoolStats {
    return {
      size: this.slots.length,
      busy: this.slots.filter((slot) => slot.state === 'busy').length,
      waiting: this.waiters.length,
      launches: this.launches,
      browsers: this.slots.map((slot) => ({
        slot: slot.index,
        state: slot.state,
        pid: slot.running?.server.process().pid,
        jobs: slot.jobs,
      })),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new ConversionFailed(RetryableReason.interrupted, { retryable: true }));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        const running = slot.running;
        slot.state = 'closed';
        slot.running = undefined;
        await closeBrowser(running);
      }),
    );
  }

  private async launch(slot: Slot): Promise<void> {
    slot.state = 'starting';
    slot.jobs = 0;
    try {
      const server = await chromium.launchServer({
        executablePath: this.options.executablePath,
        headless: true,
        args: ARGS,
        // The browser sees none of the worker's secrets (database, S3 keys): only what it needs to run.
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          LANG: 'C.UTF-8',
          ...(process.env.TMPDIR === undefined ? {} : { TMPDIR: process.env.TMPDIR }),
        },
        // The worker's own shutdown closes the pool.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 30_000,
      });
      // Launched as a server so the pool holds its process (to kill); connected to over loopback.
      const browser = await chromium.connect(server.wsEndpoint()).catch(async (error: unknown) => {
        await server.kill();
        throw error;
      });
      const context = await browser
        .newContext({ javaScriptEnabled: false, serviceWorkers: 'block', acceptDownloads: false })
        .catch(async (error: unknown) => {
          await server.kill();
          throw error;
        });
      // Kept open: with no page left the context's renderer goes too, and each job's page paid for a
      // new one (newPage 120-170 ms against 60 ms).
      await context.newPage();
      const running = { server, browser, context };
      this.launches += 1;
      if (this.closed) {
        await closeBrowser(running);
        return;
      }
      slot.running = running;
      slot.state = 'idle';
      browser.on('disconnected', () => {
        // Crashed or killed while idle: replaced now rather than found dead by the next job.
        if (slot.running === running && slot.state === 'idle') {
          this.options.logger.warn({ slot: slot.index }, 'a Chromium browser exited; replacing it');
          void this.replace(slot);
        }
      });
    } catch (error) {
      slot.state = this.closed ? 'closed' : 'down';
      slot.running = undefined;
      this.options.logger.error({ err: error, slot: slot.index }, 'Chromium could not be started');
      throw error;
    }
  }

  /** The slot's browser goes (killed if still there) and a new one is launched; jobs waiting get it. */
  private async replace(slot: Slot): Promise<void> {
    const old = slot.running;
    slot.running = undefined;
    if (old !== undefined) killBrowser(old);
    if (this.closed) return;
    try {
      await this.launch(slot);
      this.handOver(slot);
    } catch {
      // Left down: the next acquire or ping tries again, and a waiter must not wait for nothing.
      this.failWaitersIfAllDown();
    }
  }

  private async releaseOrRecycle(slot: Slot): Promise<void> {
    if (!slot.running?.browser.isConnected()) {
      await this.replace(slot);
      return;
    }
    if (slot.jobs >= this.options.recycleAfter) {
      const old = slot.running;
      slot.running = undefined;
      slot.state = 'starting';
      await closeBrowser(old);
      this.options.logger.info({ slot: slot.index, jobs: slot.jobs }, 'recycling a Chromium browser');
      void this.launch(slot).then(
        () => this.handOver(slot),
        () => this.failWaitersIfAllDown(),
      );
      return;
    }
    slot.state = 'idle';
    this.handOver(slot);
  }

  /** An idle slot serves the first waiter, if any. */
  private handOver(slot: Slot): void {
    if (slot.state !== 'idle') return;
    const waiter = this.waiters.shift();
    if (waiter === undefined) return;
    slot.state = 'busy';
    waiter.resolve(slot);
  }

  private failWaitersIfAllDown(): void {
    if (!this.slots.every((slot) => slot.state === 'down' || slot.state === 'closed')) return;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new ConversionFailed(UNAVAILABLE, { retryable: true }));
    }
  }

  private async acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) throw new ConversionFailed(RetryableReason.interrupted, { retryable: true });
    const idle = this.slots.find((slot) => slot.state === 'idle' && slot.running?.browser.isConnected());
    if (idle !== undefined) {
      idle.state = 'busy';
      return idle;
    }
    const down = this.slots.find((slot) => slot.state === 'down');
    if (down !== undefined && !this.slots.some((slot) => slot.state !== 'down' && slot.state !== 'closed')) {
      // Nothing else will free up: start one now, and say so if Chromium cannot start.
      try {
        await this.launch(down);
      } catch (error) {
        throw new ConversionFailed(UNAVAILABLE, { retryable: true, cause: error });
      }
      down.state = 'busy';
      return down;
    }
    if (down !== undefined) void this.replace(down);
    return new Promise<Slot>((resolve, reject) => {
      const waiter = {
        resolve: (slot: Slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new ConversionFailed(RetryableReason.interrupted, { retryable: true }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
}

/** SIGKILL to the browser's process group (Playwright starts it detached): renderers and all. */
function killBrowser(running: Running): void {
  const pid = running.server.process().pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A graceful close, bounded: a browser that does not close in time is killed. */
async function closeBrowser(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  const timer = setTimeout(() => killBrowser(running), 5000);
  await running.browser.close().catch(() => undefined);
  await running.server.close().catch(() => killBrowser(running));
  clearTimeout(timer);
}
