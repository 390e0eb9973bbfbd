import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, ROOT } from '@relay/testing';
import { BenchRedisDb, emptyRedisDb, redisHostPort } from './bench-redis.ts';

const run = promisify(execFile);

export const CENTRIFUGO_VERSION = 'v6.9.1';
/** Centrifugo v6's nested config (keys checked against v6.9.1's internal/configtypes). */
export function centrifugoConfig(port: number, hmacSecret: string) {
  return {
    log: { level: 'warn' },
    http_server: { address: '127.0.0.1', port },
    health: { enabled: true },
    usage_stats: { disabled: true },
    // Redis broker and presence, as a real multi-node deployment runs it: history lives in Redis.
    engine: {
      type: 'redis',
      redis: { address: [redisHostPort()], db: BenchRedisDb.centrifugo },
    },
    client: { token: { hmac_secret_key: hmacSecret } },
    channel: {
      namespaces: [
        {
          name: 'chat',
          // Recent history with offsets and recovery: the nearest Centrifugo gets to Relay's replay.
          history_size: 1000,
          history_ttl: '300s',
          force_recovery: true,
          force_positioning: true,
          allow_subscribe_for_client: true,
          allow_publish_for_subscriber: true,
          allow_publish_for_client: true,
        },
      ],
    },
  };
}

/** An HS256 connection JWT for user `sub`, signed with node:crypto (no JWT library needed for one claim). */
export function connectionToken(hmacSecret: string, sub: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${body}.${createHmac('sha256', hmacSecret).update(body).digest('base64url')}`;
}

/** Builds the pinned binary once (infra/local/centrifugo.sh caches it by version) and returns its path. */
async function installCentrifugo(): Promise<string> {
  const started = performance.now();
  const { stdout, stderr } = await run('bash', [join(ROOT, 'infra/local/centrifugo.sh')], {
    env: { ...process.env, CENTRIFUGO_VERSION },
    timeout: 30 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (stderr.includes('building')) {
    console.log(
      `centrifugo ${CENTRIFUGO_VERSION} built in ${Math.round((performance.now() - started) / 1000)} s`,
    );
  }
  return stdout.trim();
}

/** One Centrifugo process on a free port, configured by `centrifugoConfig`. */
export class CentrifugoServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly hmacSecret: string;
  readonly config: ReturnType<typeof centrifugoConfig>;
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #killOnExit = () => this.#child.kill('SIGKILL');

  private constructor(port: number, hmacSecret: string, child: ChildProcess, dir: string) {
    this.url = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
    this.hmacSecret = hmacSecret;
    this.config = centrifugoConfig(port, hmacSecret);
    this.#child = child;
    this.#dir = dir;
    // Never outlive the bench, whatever way it ends.
    process.once('exit', this.#killOnExit);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  static async start(): Promise<CentrifugoServer> {
    const bin = await installCentrifugo();
    const port = await freePort();
    const hmacSecret = randomBytes(32).toString('hex');
    // A clean history per run, in the peer's own database.
    await emptyRedisDb(BenchRedisDb.centrifugo);
    const dir = mkdtempSync(join(tmpdir(), 'relay-centrifugo-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(centrifugoConfig(port, hmacSecret), null, 2));
    const child = spawn(bin, ['--config', file], { stdio: ['ignore', 'inherit', 'inherit'] });
    const server = new CentrifugoServer(port, hmacSecret, child, dir);
    try {
      await server.#ready();
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  async #ready(): Promise<void> {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`centrifugo exited with ${this.#child.exitCode}`);
      const ok = await fetch(`${this.url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error('centrifugo not healthy within 30 s');
  }

  /** SIGTERM by pid, SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit);
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
