/**
 * Users benchmark: GET /api/users/me throughput and latency on one gateway process, and
 * login latency (argon2id cost). Needs the infrastructure up (`./relay up` or `./relay test`).
 * Targets (issue 3): >= 5,000 req/s; p99 < 10 ms at 1,000 req/s.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT, rssMiB, startProcess, TEST_PASSWORD, UserFactory } from '@relay/testing';
import autocannon from 'autocannon';
import { loadLocalEnv } from './lib/processes.ts';
import { writeReport } from './lib/report.ts';

loadLocalEnv();
const PORT = 8100;
const baseUrl = `http://127.0.0.1:${PORT}`;
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const env = {
  GATEWAY_PORT: String(PORT),
  AUTH_RATE_LIMIT_PER_IP: '1000000',
  AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
  JOBS_PREFIX: `bench-${randomUUID()}`,
};

const post = (path: string, body: unknown) =>
  fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const run = (options: autocannon.Options) => autocannon({ ...options, duration: seconds });
const summary = (result: autocannon.Result) => ({
  requestsPerSecond: Math.round(result.requests.average),
  latencyMs: {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
});

const gateway = await startProcess(join(ROOT, 'services/gateway/src/main.ts'), {
  env: { LOG_LEVEL: 'warn', ...env },
  readyUrl: `${baseUrl}/readyz`,
});
const worker = await startProcess(join(ROOT, 'services/gateway/src/worker.ts'), {
  env: { LOG_LEVEL: 'warn', ...env },
});
const users = await UserFactory.create();
try {
  const user = await users.activeUser({ name: 'Bench' });
  const meRequest = {
    url: `${baseUrl}/api/users/me`,
    headers: { authorization: `Bearer ${user.accessToken}` },
  };

  await autocannon({ ...meRequest, connections: 16, duration: 3 }); // warm-up: JIT, pools
  const max = summary(await run({ ...meRequest, connections: 64 }));
  const gatewayRssMiB = Math.round(rssMiB(gateway.pid));
  const atRate = summary(await run({ ...meRequest, connections: 32, overallRate: 1000 }));
  const login = summary(
    await run({
      url: `${baseUrl}/api/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
      connections: 4,
    }),
  );

  // Sign-up for a taken address must cost what a new one costs (no enumeration by timing).
  const signupLatencies = async (emailFor: (i: number) => string) => {
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      await post('/api/auth/signup', { email: emailFor(i), password: 'benchmark passphrase', name: 'Bench' });
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => Number((samples[Math.floor(q * (samples.length - 1))] ?? 0).toFixed(2));
    return { p50: at(0.5), p90: at(0.9), max: at(1) };
  };
  const signupNewMs = await signupLatencies(() => `bench-${randomUUID()}@example.com`);
  const signupTakenMs = await signupLatencies(() => user.email);

  const result = {
    benchmark: 'users',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    durationSeconds: seconds,
    usersMe: { max, at1000rps: atRate, gatewayRssMiB },
    login,
    signupLatencyMs: { newAddress: signupNewMs, takenAddress: signupTakenMs },
    targets: {
      usersMeRequestsPerSecond: {
        target: 5000,
        measured: max.requestsPerSecond,
        met: max.requestsPerSecond >= 5000,
      },
      usersMeP99At1000rps: { targetMs: 10, measuredMs: atRate.latencyMs.p99, met: atRate.latencyMs.p99 < 10 },
    },
  };
  const files = await writeReport('users', result, {
    title: `GET /api/users/me: ${max.requestsPerSecond} req/s max; login: ${login.requestsPerSecond} req/s`,
    unit: 'ms',
    bars: [
      { label: 'GET /me p50 @1000 req/s', value: atRate.latencyMs.p50 },
      { label: 'GET /me p99 @1000 req/s', value: atRate.latencyMs.p99 },
      { label: 'GET /me p50 at max load', value: max.latencyMs.p50 },
      { label: 'GET /me p99 at max load', value: max.latencyMs.p99 },
      { label: 'login p50', value: login.latencyMs.p50 },
      { label: 'login p99', value: login.latencyMs.p99 },
    ],
  });
  console.log(JSON.stringify(result, null, 2));
  console.log(`wrote ${files.jsonPath} and ${files.pngPath}`);
} finally {
  await Promise.all([gateway.stop(), worker.stop(), users.close()]);
}
