import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@relay/platform';
import { ConversionFailed } from '../engine.ts';
import { DOCUMENT_CRASHES_LIBREOFFICE, RetryableReason } from '../reasons.ts';
import { CrashedDocuments, sofficeAborted } from './crashes.ts';
import { isAlive, processGroupMembers, signalGroup } from './processes.ts';
import { type UnoConvertCall, UnoserverInstance } from './unoserver.ts';
import { XmlRpcFault } from './xmlrpc.ts';

export interface LibreOfficePoolOptions {
  size: number;
  unoserverBin: string;
  /** Parent of this pool's directory; profiles and temporary files live below it. */
  workDir: string;
  timeoutMs: number;
  /** An instance is replaced after this many conversions… */
  recycleAfter: number;
  /** …or once its soffice holds more than this much memory. */
  recycleRssBytes: number;
  startTimeoutMs?: number;
  /**
   * A conversion still running after this long gets the lowest CPU priority (nice 19) until it ends:
   * on a small machine one runaway document must not starve the other instances and the services.
   */
  demoteAfterMs?: number;
  logger: Logger;
}

export interface PoolInstanceStats {
  slot: number;
  state: SlotState;
  pid: number | undefined;
  conversions: number;
  /** Every process of the instance's group (unoserver, oosplash, soffice.bin). */
  processes: Array<{ pid: number; command: string; rssBytes: number }>;
  rssBytes: number;
}

export interface PoolStats {
  size: number;
  busy: number;
  ready: number;
  waiting: number;
  instances: PoolInstanceStats[];
}

type SlotState = 'starting' | 'idle' | 'busy' | 'closed';

interface Slot {
  index: number;
  state: SlotState;
  instance: UnoserverInstance | undefined;
  generation: number;
  /** A recycled instance's replacement, started while it keeps converting; swapped in when idle. */
  successor?: Promise<UnoserverInstance | undefined> | UnoserverInstance | undefined;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (error: unknown) => void;
}

const POOL_DIR = /^pool-(\d+)-/;
const LEADER_FILE = 'leader.pid';

/**
 * N warm LibreOffice instances. One job per instance at a time; further jobs wait in arrival order.
 * An instance past its timeout is killed with its whole process group and replaced; one that died
 * mid-conversion is replaced and the job may be retried; one that served `recycleAfter` conversions or
 * grew past `recycleRssBytes` is replaced between jobs.
 */
export class LibreOfficePool {
  private readonly options: Required<LibreOfficePoolOptions>;
  private readonly directory: string;
  private readonly slots: Slot[];
  private readonly waiters: Waiter[] = [];
  private readonly crashedDocuments = new CrashedDocuments();
  private closed = false;

  constructor(options: LibreOfficePoolOptions) {
    this.options = { startTimeoutMs: 60_000, demoteAfterMs: 2000, ...options };
    this.directory = join(options.workDir, `pool-${process.pid}-${randomBytes(4).toString('hex')}`);
    this.slots = Array.from({ length: options.size }, (_, index) => ({
      index,
      state: 'starting' as const,
      instance: undefined,
      generation: 0,
    }));
  }

  /** Starts every instance; resolves when all are ready, rejects when one cannot start at all. */
  async start(): Promise<void> {
    await mkdir(this.options.workDir, { recursive: true });
    await this.removeLeftovers();
    await mkdir(this.directory, { recursive: true });
    const results = await Promise.allSettled(this.slots.map((slot) => this.startInstance(slot)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) {
      await this.close();
      throw failure.reason;
    }
  }

  /** Readiness: at least one instance is up (busy ones count: a job will get it soon). */
  ping(): Promise<void> {
    const up = this.slots.some((slot) => slot.state === 'idle' || slot.state === 'busy');
    return up ? Promise.resolve() : Promise.reject(new Error('no LibreOffice instance is running'));
  }

  /**
   * Runs one conversion on a free instance. Throws ConversionFailed for a timeout, a crash or an abort,
   * and XmlRpcFault when LibreOffice refused the document itself (the caller knows what it was).
   */
  async convert(call: UnoConvertCall, signal?: AbortSignal): Promise<void> {
    const slot = await this.acquire(signal);
    const instance = slot.instance as UnoserverInstance;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let demoted: Promise<boolean> | undefined;
    const demote = setTimeout(() => {
      demoted = instance.setNice(19);
    }, this.options.demoteAfterMs);
    try {
      await instance.convert(call, signal === undefined ? timeout : AbortSignal.any([timeout, signal]));
    } catch (error) {
      clearTimeout(demote);
      if (error instanceof XmlRpcFault && instance.healthy && !isBridgeGone(error)) {
        this.release(slot);
        throw error;
      }
      // Timed out, aborted or crashed: the instance's state is unknown, so it goes before the job fails.
      await this.replace(slot, 'kill');
      if (timeout.aborted) {
        const seconds = Math.round(this.options.timeoutMs / 100) / 10;
        throw new ConversionFailed(`The conversion took longer than ${seconds} s and was stopped.`, {
          retryable: false,
          cause: error,
        });
      }
      if (signal?.aborted)
        throw new ConversionFailed(RetryableReason.interrupted, { retryable: true, cause: error });
      throw await this.crashed(call, instance, error);
    }
    clearTimeout(demote);
    // Back to normal priority for the next job; where that is not allowed, a fresh instance has it.
    if (demoted !== undefined && (await demoted) && !(await instance.setNice(0))) {
      this.options.logger.info({ slot: slot.index }, 'replacing a demoted LibreOffice instance');
      void this.replace(slot, 'stop');
      return;
    }
    await this.releaseOrRecycle(slot, instance);
  }

  /**
   * An instance died under a conversion. If soffice aborted by itself, the document may be the cause:
   * the second abort on the same bytes ends the job; the first, or an instance killed from outside
   * (memory, an operator), is worth another attempt on a fresh instance.
   */
  private async crashed(call: UnoConvertCall, instance: UnoserverInstance, cause: unknown) {
    const stderr = instance.stderr();
    if (!sofficeAborted(stderr))
      return new ConversionFailed(RetryableReason.engineStopped, { retryable: true, cause });
    const again = await this.crashedDocuments.recordAbort(call.inputPath).catch(() => false);
    this.options.logger.warn({ stderr, again }, 'LibreOffice aborted while converting a document');
    return again
      ? new ConversionFailed(DOCUMENT_CRASHES_LIBREOFFICE, { retryable: false, cause })
      : new ConversionFailed(RetryableReason.engineStopped, { retryable: true, cause });
  }

  async stats(): Promise<PoolStats> {
    const instances = await Promise.all(
      this.slots.map(async (slot): Promise<PoolInstanceStats> => {
        const processes = slot.instance === undefined ? [] : await slot.instance.processes();
        return {
          slot: slot.index,
          state: slot.state,
          pid: slot.instance?.pid,
          conversions: slot.instance?.conversions ?? 0,
          processes,
          rssBytes: processes.reduce((sum, process) => sum + process.rssBytes, 0),
        };
      }),
    );
    return {
      size: this.slots.length,
      busy: this.slots.filter((slot) => slot.state === 'busy').length,
      ready: this.slots.filter((slot) => slot.state === 'idle' || slot.state === 'busy').length,
      waiting: this.waiters.length,
      instances,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new ConversionFailed(RetryableReason.interrupted, { retryable: true }));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.state = 'closed';
        const successor = await slot.successor;
        await Promise.all([slot.instance?.kill(), successor?.kill()]);
      }),
    );
    await rm(this.directory, { recursive: true, force: true });
  }

  private acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) {
      return Promise.reject(new ConversionFailed(RetryableReason.interrupted, { retryable: true }));
    }
    const idle = this.slots.find((slot) => slot.state === 'idle');
    if (idle !== undefined) {
      idle.state = 'busy';
      return Promise.resolve(idle);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
        reject,
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new ConversionFailed(RetryableReason.interrupted, { retryable: true }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Hands the slot to the next waiter, or marks it idle. */
  private release(slot: Slot): void {
    if (slot.successor instanceof UnoserverInstance) this.swap(slot);
    const next = this.waiters.shift();
    if (next === undefined) {
      slot.state = 'idle';
      return;
    }
    slot.state = 'busy';
    next.resolve(slot);
  }

  private async releaseOrRecycle(slot: Slot, instance: UnoserverInstance): Promise<void> {
    const rss = await instance.sofficeRssBytes();
    const due = instance.conversions >= this.options.recycleAfter || rss > this.options.recycleRssBytes;
    if (due && slot.successor === undefined) {
      this.options.logger.info(
        { slot: slot.index, conversions: instance.conversions, rssBytes: rss },
        'recycling LibreOffice instance',
      );
      // The old instance keeps converting while its successor starts (~5 s): recycling costs no slot time.
      slot.successor = this.launch(slot).then(
        (next) => {
          slot.successor = next;
          if (slot.state === 'idle') this.swap(slot);
          return next;
        },
        (error: unknown) => {
          this.options.logger.error(
            { err: error, slot: slot.index },
            'successor did not start; keeping the instance',
          );
          slot.successor = undefined;
          return undefined;
        },
      );
    }
    this.release(slot);
  }

  /** Puts a started successor in its slot's place and stops the instance it replaces. */
  private swap(slot: Slot): void {
    const next = slot.successor;
    if (!(next instanceof UnoserverInstance)) return;
    const old = slot.instance;
    slot.successor = undefined;
    this.adopt(slot, next);
    if (old !== undefined) {
      void old
        .stop()
        .then(() => rm(old.directory, { recursive: true, force: true }))
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error, slot: slot.index }, 'stopping a recycled instance failed'),
        );
    }
  }

  /**
   * Ends the slot's instance (resolves once its processes are gone), then starts another in the
   * background, retrying until the pool closes.
   */
  private async replace(slot: Slot, how: 'kill' | 'stop'): Promise<void> {
    const old = slot.instance;
    slot.instance = undefined;
    slot.state = 'starting';
    if (old !== undefined) {
      await (how === 'kill' ? old.kill() : old.stop());
      await rm(old.directory, { recursive: true, force: true });
    }
    void this.startWithRetries(slot).catch((error: unknown) =>
      this.options.logger.error({ err: error, slot: slot.index }, 'LibreOffice slot lost'),
    );
  }

  private async startWithRetries(slot: Slot): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.startInstance(slot);
        return;
      } catch (error) {
        const delayMs = Math.min(30_000, 500 * 2 ** attempt);
        this.options.logger.error(
          { err: error, slot: slot.index, attempt, delayMs },
          'LibreOffice instance did not start',
        );
        await sleep(delayMs);
      }
    }
  }

  private async startInstance(slot: Slot): Promise<void> {
    const instance = await this.launch(slot);
    if (this.closed) {
      await instance.kill();
      return;
    }
    this.adopt(slot, instance);
    this.release(slot);
  }

  /** Starts an instance for `slot` without handing it out. */
  private async launch(slot: Slot): Promise<UnoserverInstance> {
    slot.generation += 1;
    const directory = join(this.directory, `slot-${slot.index}-${slot.generation}`);
    const instance = await UnoserverInstance.start({
      unoserverBin: this.options.unoserverBin,
      directory,
      startTimeoutMs: this.options.startTimeoutMs,
      logger: this.options.logger,
    });
    await writeFile(
      join(this.directory, `${slot.index}-${slot.generation}.${LEADER_FILE}`),
      String(instance.pid),
    );
    return instance;
  }

  private adopt(slot: Slot, instance: UnoserverInstance): void {
    slot.instance = instance;
    instance.onExit(() => {
      // Died while idle: replace it now. A busy one is replaced by the conversion that noticed.
      if (slot.instance === instance && slot.state === 'idle') {
        this.options.logger.warn(
          { slot: slot.index, stderr: instance.stderr() },
          'idle LibreOffice instance exited',
        );
        void this.replace(slot, 'kill');
      }
    });
  }

  /**
   * A worker killed with SIGKILL cannot stop its instances (they run in their own process groups):
   * the next pool started on this machine ends those groups and removes their directories.
   */
  private async removeLeftovers(): Promise<void> {
    for (const entry of await readdir(this.options.workDir)) {
      const owner = POOL_DIR.exec(entry)?.[1];
      if (owner === undefined || isAlive(Number(owner))) continue;
      const directory = join(this.options.workDir, entry);
      for (const file of (await readdir(directory)).filter((name) => name.endsWith(LEADER_FILE))) {
        const leader = Number(await readFile(join(directory, file), 'utf8'));
        // The leader may be gone while its soffice lives on: the group's members decide, not the leader.
        const members = await processGroupMembers(leader);
        if (members.some((member) => /unoserver|python|oosplash|soffice/.test(member.command))) {
          signalGroup(leader, 'SIGKILL');
        }
      }
      await rm(directory, { recursive: true, force: true });
    }
  }
}

/** The UNO bridge to soffice is gone: soffice died even if unoserver still answers. */
const isBridgeGone = (fault: XmlRpcFault) => /DisposedException|bridge|Binary URP/i.test(fault.faultString);
