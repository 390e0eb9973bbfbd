import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, ROOT } from '@relay/testing';
import { descendantsOf } from './processes.ts';

const run = promisify(execFile);

export const GOTENBERG_VERSION = 'v8.36.0';

/** Builds Gotenberg once (bench/gotenberg.sh caches it in .local/bench/gotenberg) and returns that directory. */
export async function installGotenberg(): Promise<string> {
  const started = performance.now();
  const { stdout, stderr } = await run('bash', [join(ROOT, 'bench/gotenberg.sh')], {
    env: { ...process.env, GOTENBERG_VERSION },
    timeout: 30 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (stderr.includes('building')) {
    console.log(
      `gotenberg ${GOTENBERG_VERSION} built in ${Math.round((performance.now() - started) / 1000)} s`,
    );
  }
  return stdout.trim();
}

/**
 * One Gotenberg process on a free port, with its own LibreOffice and Chromium (its LibreOffice converts
 * one document at a time, hard-coded: the vendor scales by running one instance per core). Vendor
 * defaults otherwise (LibreOffice restarted after 10 conversions), the timeout raised to 60 s as Relay's.
 */
export class GotenbergServer {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #killOnExit = () => this.#signal('SIGKILL');

  private constructor(port: number, child: ChildProcess, dir: string) {
    this.url = `http://127.0.0.1:${port}`;
    this.#child = child;
    this.#dir = dir;
    process.once('exit', this.#killOnExit);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  static async start(bin: string): Promise<GotenbergServer> {
    const port = await freePort();
    // Its own temporary files; Chromium's default deny list allows file:///tmp/ only, so under /tmp.
    const dir = mkdtempSync(join(tmpdir(), 'relay-bench-gotenberg-'));
    const child = spawn(
      join(bin, 'gotenberg'),
      [
        `--api-port=${port}`,
        '--api-bind-ip=127.0.0.1',
        '--api-timeout=60s',
        '--libreoffice-auto-start',
        '--chromium-auto-start',
        '--log-level=error',
      ],
      {
        // A group of its own: its LibreOffice and Chromium are stopped with it, by this pid.
        detached: true,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          TMPDIR: dir,
          LANG: 'C.UTF-8',
          LIBREOFFICE_BIN_PATH: '/usr/lib/libreoffice/program/soffice.bin',
          UNOCONVERTER_BIN_PATH: join(bin, 'unoconv'),
          PDFTK_BIN_PATH: '/usr/bin/pdftk',
          QPDF_BIN_PATH: '/usr/bin/qpdf',
          EXIFTOOL_BIN_PATH: '/usr/bin/exiftool',
          PDFCPU_BIN_PATH: join(bin, 'pdfcpu'),
          CHROMIUM_BIN_PATH: '/usr/bin/chromium',
          CHROMIUM_HYPHEN_DATA_DIR_PATH: join(bin, 'hyphen-data'),
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
      },
    );
    const server = new GotenbergServer(port, child, dir);
    try {
      await server.#ready();
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  async #ready(): Promise<void> {
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`gotenberg exited with ${this.#child.exitCode}`);
      const ok = await fetch(`${this.url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`gotenberg on ${this.url} not healthy within 60 s`);
  }

  /** Its group and every process under it: its LibreOffice runs in a process group of its own. */
  #signal(signal: NodeJS.Signals, pids = this.pid === 0 ? [] : descendantsOf(this.pid)): void {
    for (const target of [-this.pid, ...pids]) {
      try {
        if (this.pid !== 0) process.kill(target, signal);
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM to its group (Gotenberg stops its LibreOffice and Chromium), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.#killOnExit);
    // Read before it exits: its children are re-parented then.
    const tree = this.pid === 0 ? [] : descendantsOf(this.pid);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#signal('SIGTERM', tree);
      if ((await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) === false) {
        this.#signal('SIGKILL', tree);
        await exited;
      }
    }
    // Whatever of it outlived it.
    this.#signal('SIGKILL', tree);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The route and form Gotenberg takes for each source: Chromium for HTML and Markdown, LibreOffice else. */
export function gotenbergRequest(name: string, bytes: Buffer): { path: string; form: FormData } {
  const form = new FormData();
  if (name.endsWith('.html')) {
    form.set('files', new Blob([new Uint8Array(bytes)]), 'index.html');
    return { path: '/forms/chromium/convert/html', form };
  }
  if (name.endsWith('.md')) {
    // Its Markdown route renders the file into an index.html template through {{ toHTML }}.
    const page = `<!doctype html><html><head><meta charset="utf-8"></head><body>{{ toHTML "${name}" }}</body></html>`;
    form.append('files', new Blob([page]), 'index.html');
    form.append('files', new Blob([new Uint8Array(bytes)]), name);
    return { path: '/forms/chromium/convert/markdown', form };
  }
  form.set('files', new Blob([new Uint8Array(bytes)]), name);
  return { path: '/forms/libreoffice/convert', form };
}
