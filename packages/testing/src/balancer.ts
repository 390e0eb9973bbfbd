import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './cluster.ts';
import { freePort, type ServiceProcess, startCommand } from './processes.ts';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'infra/local/balancer.sh');

/** One gateway as HAProxy sees it: its health-check state and sessions (open WebSockets included). */
interface BalancedServer {
  name: string;
  status: string;
  open: number;
  total: number;
}

/**
 * HAProxy in front of gateways, with the config `./relay up --scale` uses (infra/local/balancer.sh)
 * on free ports; installs HAProxy (Debian's package) on a machine without it.
 */
export class Balancer {
  readonly url: string;
  readonly #statsUrl: string;
  readonly #dir: string;
  readonly process: ServiceProcess;

  private constructor(url: string, statsUrl: string, dir: string, process: ServiceProcess) {
    this.url = url;
    this.#statsUrl = statsUrl;
    this.#dir = dir;
    this.process = process;
  }

  /** `gatewayUrls`: http://127.0.0.1:PORT of each gateway. */
  static async start(gatewayUrls: string[]): Promise<Balancer> {
    await run('bash', [SCRIPT, 'install'], { timeout: 300_000 });
    const bin = (await run('bash', [SCRIPT, 'bin'])).stdout.trim();
    const [port, statsPort] = await Promise.all([freePort(), freePort()]);
    const servers = gatewayUrls.map((url) => url.replace(/^http:\/\//, ''));
    const { stdout: config } = await run('bash', [
      SCRIPT,
      'config',
      `127.0.0.1:${port}`,
      `127.0.0.1:${statsPort}`,
      ...servers,
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'relay-balancer-'));
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config);
    const url = `http://127.0.0.1:${port}`;
    try {
      const process = await startCommand(bin, ['-db', '-f', file], { readyUrl: `${url}/readyz` });
      return new Balancer(url, `http://127.0.0.1:${statsPort}`, dir, process);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The gateways from HAProxy's stats CSV, in config order. */
  async servers(): Promise<BalancedServer[]> {
    const csv = await (await fetch(`${this.#statsUrl}/;csv`)).text();
    const [header = '', ...rows] = csv.replace(/^# /, '').trim().split('\n');
    const names = header.split(',');
    const cell = (cells: string[], name: string) => cells[names.indexOf(name)] ?? '';
    return rows
      .map((row) => row.split(','))
      .filter((cells) => cell(cells, 'pxname') === 'gateways' && cell(cells, 'svname').startsWith('gateway-'))
      .map((cells) => ({
        name: cell(cells, 'svname'),
        status: cell(cells, 'status'),
        open: Number(cell(cells, 'scur')),
        total: Number(cell(cells, 'stot')),
      }));
  }

  async stop(): Promise<void> {
    await this.process.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
