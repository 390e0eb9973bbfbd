import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Logger } from '@relay/platform';
import { type GroupProcess, isAlive, processGroupMembers, readRssBytes, signalGroup } from './processes.ts';
import { DEAD_PROXY, writeHardenedProfile } from './profile.ts';
import { checkMethodResponse, encodeMethodCall, type XmlRpcValue } from './xmlrpc.ts';

const run = promisify(execFile);

/** One call of unoserver's `convert`, file to file on this machine (no document bytes over XML-RPC). */
export interface UnoConvertCall {
  inputPath: string;
  outputPath: string;
  /** The target's extension: unoserver derives the export type from it, whatever outputPath is named. */
  convertTo: string;
  /** LibreOffice's import filter; detection from content when absent. */
  importFilter?: string;
  /** LibreOffice's export filter; unoserver picks the one for the document type and convertTo when absent. */
  exportFilter?: string;
  /** "Name=value" export filter data (SelectPdfVersion=2), or a bare string for FilterOptions (CSV). */
  filterOptions?: readonly string[];
  /** Opens a protected document (LibreOffice's `Password` load property); never logged. */
  password?: string;
}

export interface UnoserverOptions {
  /**
   * The `unoserver` script of the venv built on Debian's python3 (with python3-uno). Its interpreter runs
   * unoserver_launcher.py, which serves unoserver's XML-RPC API with safer document loading.
   */
  unoserverBin: string;
  /** This instance's own directory: its profile and temporary files; nothing else writes there. */
  directory: string;
  startTimeoutMs: number;
  logger: Logger;
}

/** Fixed, not inherited: soffice must never see the worker's secrets (document URLs can expand variables). */
function scrubbedEnvironment(home: string, tmp: string): NodeJS.ProcessEnv {
  const proxy = `http://${DEAD_PROXY.host}:${DEAD_PROXY.port}`;
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    // A second guard beside the profile's proxy settings, for fetches made through libcurl directly.
    http_proxy: proxy,
    https_proxy: proxy,
    no_proxy: '',
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

const STDERR_TAIL_LINES = 20;
const LAUNCHER = join(import.meta.dirname, 'unoserver_launcher.py');

/** The Python of unoserver's venv (from its #! line): the launcher must run where `uno` and unoserver import. */
export async function interpreterOf(script: string): Promise<string> {
  const firstLine = (await readFile(script, 'utf8')).split('\n', 1)[0] ?? '';
  if (!firstLine.startsWith('#!')) throw new Error(`${script} has no #! line naming its Python`);
  return firstLine.slice(2).trim().split(/\s+/)[0] ?? '';
}

/**
 * One unoserver process and the soffice it starts, in their own process group, so that a timeout or a
 * crash ends both with one signal. Serves one conversion at a time (its XML-RPC server is single-threaded
 * anyway); the pool makes sure of it.
 */
export class UnoserverInstance {
  readonly pid: number;
  readonly directory: string;
  conversions = 0;
  private readonly rpcUrl: string;
  private readonly exited: Promise<void>;
  private readonly stderrTail: string[] = [];
  private sofficePid: number | undefined;
  private exitListeners: Array<() => void> = [];
  private hasExited = false;

  private constructor(child: ChildProcess, rpcPort: number, directory: string) {
    if (child.pid === undefined) throw new Error('unoserver did not start');
    this.pid = child.pid;
    this.directory = directory;
    this.rpcUrl = `http://127.0.0.1:${rpcPort}/RPC2`;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.hasExited = true;
        for (const listener of this.exitListeners) listener();
        resolve();
      });
    });
    const keepTail = (chunk: Buffer) => {
      this.stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_TAIL_LINES));
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
  }

  /** Starts unoserver with a fresh hardened profile; resolves once its XML-RPC server answers. */
  static async start(options: UnoserverOptions): Promise<UnoserverInstance> {
    const profile = join(options.directory, 'profile');
    const tmp = join(options.directory, 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeHardenedProfile(profile);
    const [rpcPort, unoPort] = [await freePort(), await freePort()];
    const child = spawn(
      await interpreterOf(options.unoserverBin),
      [
        LAUNCHER,
        '--interface',
        '127.0.0.1',
        '--port',
        String(rpcPort),
        '--uno-interface',
        '127.0.0.1',
        '--uno-port',
        String(unoPort),
        '--user-installation',
        profile,
        '--temp-dir',
        tmp,
      ],
      // Its own process group (detached): killing -pid reaches unoserver, oosplash and soffice.bin.
      { cwd: tmp, env: scrubbedEnvironment(profile, tmp), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (child.pid === undefined) {
      const [error] = (await once(child, 'error')) as [Error];
      throw new Error(`could not run ${options.unoserverBin}: ${error.message}`);
    }
    child.on('error', (error) => options.logger.warn({ err: error }, 'unoserver process error'));
    const instance = new UnoserverInstance(child, rpcPort, options.directory);
    try {
      await instance.waitReady(options.startTimeoutMs);
    } catch (error) {
      await instance.kill();
      throw error;
    }
    options.logger.debug({ pid: instance.pid, rpcPort, unoPort }, 'unoserver instance ready');
    return instance;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // unoserver sleeps ~7 s before its XML-RPC server answers; until then connections are refused.
    while (Date.now() < deadline) {
      if (this.hasExited) throw new Error(`unoserver exited during start-up: ${this.stderr()}`);
      try {
        await this.call('system.listMethods', [], AbortSignal.timeout(Math.max(1, deadline - Date.now())));
        const members = await processGroupMembers(this.pid);
        this.sofficePid = members.find((member) => member.command === 'soffice.bin')?.pid;
        return;
      } catch {
        await sleep(250);
      }
    }
    throw new Error(`unoserver was not ready after ${timeoutMs} ms: ${this.stderr()}`);
  }

  private async call(method: string, params: readonly XmlRpcValue[], signal: AbortSignal): Promise<void> {
    const response = await fetch(this.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: encodeMethodCall(method, params),
      signal,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`unoserver answered ${response.status}: ${text.slice(0, 200)}`);
    checkMethodResponse(text);
  }

  /**
   * Runs one conversion. Throws XmlRpcFault when LibreOffice refused the document, an AbortError when
   * `signal` fired, and a network error when the instance died under it.
   */
  async convert(request: UnoConvertCall, signal: AbortSignal): Promise<void> {
    this.conversions += 1;
    // convert(inpath, indata, outpath, convert_to, filtername, filter_options, update_index, infiltername, password)
    await this.call(
      'convert',
      [
        request.inputPath,
        null,
        request.outputPath,
        request.convertTo,
        request.exportFilter ?? null,
        request.filterOptions ?? [],
        true,
        request.importFilter ?? null,
        request.password ?? null,
      ],
      signal,
    );
  }

  /** Both unoserver and its soffice are still running. */
  get healthy(): boolean {
    return !this.hasExited && this.sofficePid !== undefined && isAlive(this.sofficePid);
  }

  onExit(listener: () => void): void {
    if (this.hasExited) listener();
    else this.exitListeners.push(listener);
  }

  async sofficeRssBytes(): Promise<number> {
    return this.sofficePid === undefined ? 0 : readRssBytes(this.sofficePid);
  }

  processes(): Promise<GroupProcess[]> {
    return processGroupMembers(this.pid);
  }

  /**
   * Sets the scheduling priority of every thread of the group (renice -g: Linux applies a group's
   * nice to each thread, where setpriority on a pid reaches one). Raising it again needs privilege
   * (CAP_SYS_NICE): resolves false when refused.
   */
  async setNice(nice: number): Promise<boolean> {
    try {
      await run('renice', ['-n', String(nice), '-g', String(this.pid)]);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the whole group at once (a hung soffice ignores polite requests). */
  async kill(): Promise<void> {
    signalGroup(this.pid, 'SIGKILL');
    await this.exited;
    // The leader is reaped; its children die from the same group signal, wait until /proc agrees.
    for (let attempt = 0; attempt < 50 && (await processGroupMembers(this.pid)).length > 0; attempt++) {
      await sleep(20);
    }
  }

  /** Asks the group to end (soffice removes its profile lock), then kills what is left after a grace period. */
  async stop(graceMs = 3000): Promise<void> {
    signalGroup(this.pid, 'SIGTERM');
    const timer = sleep(graceMs).then(() => 'late' as const);
    if ((await Promise.race([this.exited, timer])) === 'late' || (await this.processes()).length > 0) {
      await this.kill();
    }
  }

  stderr(): string {
    return this.stderrTail.join('\n');
  }
}
