/**
 * Chat benchmark: N clients in M rooms on G gateway processes send at a fixed total rate;
 * prints and writes accepted msgs/s, send→receive latency, send→persisted lag, lost and
 * duplicated counts, and RSS; first holds K idle subscribed WebSockets on one fresh gateway and reports its RSS.
 * Needs the infrastructure up and the apps down: `./relay infra`. Targets (issue 4):
 * >= 5,000 msgs/s with 0 lost / 0 duplicated; p99 send→other member < 50 ms at 1,000 msgs/s;
 * 10,000 idle WebSockets on one gateway under 1 GiB RSS.
 *
 *   npm run bench:chat -- --rates 1000,5000 --seconds 10 --clients 20 --rooms 10 --idle 10000 --warmup 30
 *
 * Through HAProxy (the `./relay up --scale` config), once per gateway count, for how it scales:
 *   npm run bench:chat -- --via-balancer --gateways 1,2 --rates 4000,8000 --idle 0
 * (writes chat-balancer.json; the ratio of the best accepted msgs/s with N gateways to 1 is printed).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Balancer, Cluster, chatRows, ROOT, rssMiB, type TestUser } from '@relay/testing';
import { BenchRedisDb, emptyRedisDb, redisUrlOf } from './lib/bench-redis.ts';
import { type BaseLoad, comparePeer, fromRelayRun, runScenarios } from './lib/centrifugo-bench.ts';
import { CpuAccounting, formatCores, refuseBesideLiveStack } from './lib/machine-load.ts';
import { loadLocalEnv } from './lib/processes.ts';
import {
  type ChatReport,
  committedReport,
  compareReports,
  machineMismatch,
  printCheck,
} from './lib/regression-check.ts';
import { RelayBenchClient } from './lib/relay-bench-client.ts';
import { writeReport } from './lib/report.ts';
import { IDLE_SETTLE_MS, paceSends, round, summarize } from './lib/stats.ts';

loadLocalEnv();
refuseBesideLiveStack();
// The cluster's processes (and this one's test users) keep Relay's keys in the bench's own database.
process.env.REDIS_URL = redisUrlOf(BenchRedisDb.relay);
const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,5000' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '20' },
    rooms: { type: 'string', default: '10' },
    gateways: { type: 'string', default: '2' },
    'via-balancer': { type: 'boolean', default: false },
    idle: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '30' },
    peer: { type: 'string' },
    check: { type: 'boolean', default: false },
  },
});
const rates = String(args.rates).split(',').map(Number);
const seconds = Number(args.seconds);
const clientCount = Number(args.clients);
const roomCount = Number(args.rooms);
const gatewayCounts = String(args.gateways).split(',').map(Number);
const viaBalancer = args['via-balancer'] === true;
const idleCount = Number(args.idle);
const warmupSeconds = Number(args.warmup);
// `--peer centrifugo`: the same scenarios against Centrifugo after Relay's (bench/lib/centrifugo-bench.ts).
const peer = args.peer;
if (peer !== undefined && peer !== 'centrifugo')
  throw new Error(`--peer: only centrifugo is known, not ${peer}`);
// The report's name: one per kind of run, so `--check` compares like with like.
const reportName = viaBalancer ? 'chat-balancer' : peer === undefined ? 'chat' : `chat-vs-${peer}`;
// `--check`: against the committed peer report (bench/results/chat-vs-centrifugo.json), on the
// scenarios this run shares with it; read first, so a missing one fails before minutes of load.
const CHECKED_REPORT = 'chat-vs-centrifugo';
const committed = args.check === true ? committedReport(CHECKED_REPORT) : undefined;
const peerBase: BaseLoad = {
  clients: clientCount,
  rooms: roomCount,
  rates,
  seconds,
  warmupSeconds,
  idle: idleCount,
};

// The setup measured now; loadRun and idleRun read it.
let cluster: Cluster;
/** Where client `index` connects: the balancer, or its gateway by index. */
let urlOf: (index: number) => string;

// Read before the runs: the code measured is what was loaded, whatever is committed meanwhile.
const measuredCommit = gitCommit();
const loadBefore = loadavg();
const setups: Awaited<ReturnType<typeof measure>>[] = [];
for (const gatewayCount of gatewayCounts) setups.push(await measure(gatewayCount, setups.length === 0));
const best = (setup: (typeof setups)[number]) => Math.max(...setup.runs.map((run) => run.acceptedPerSecond));
const baseline = setups[0];
const scaling = setups.map((setup) => ({
  gateways: setup.gateways,
  bestAcceptedPerSecond: best(setup),
  ratioToFirst: baseline === undefined ? 1 : Math.round((best(setup) / best(baseline)) * 100) / 100,
}));
const peerSetup = setups[0];
const compared =
  peerSetup?.peerRuns === undefined
    ? undefined
    : await comparePeer({ ...peerSetup.peerRuns, idle: peerSetup.idle }, peerBase);
const report = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    node: process.version,
    commit: measuredCommit,
    // Other work on the machine skews every figure: the 1-minute load before and after.
    loadAverage: { before: round(loadBefore[0] ?? 0), after: round(loadavg()[0] ?? 0) },
  },
  setup: { viaBalancer, clients: clientCount, rooms: roomCount, seconds, chatStore: 'sqlite' },
  setups,
  scaling,
  peer: compared?.report,
};
const allRuns = setups.flatMap((setup) => setup.runs.map((run) => ({ ...run, gateways: setup.gateways })));
const { jsonPath, pngPath } = await writeReport(reportName, report, {
  title: `Chat send→receive latency${viaBalancer ? ' via HAProxy' : ''}: lost ${allRuns.reduce((sum, run) => sum + run.lost, 0)}, duplicated ${allRuns.reduce((sum, run) => sum + run.duplicated, 0)}`,
  unit: 'ms',
  bars: allRuns
    .flatMap((run) => [
      { label: `${run.gateways} gw, p50 at ${run.targetRate}/s`, value: run.sendToReceiveMs.p50 },
      { label: `${run.gateways} gw, p99 at ${run.targetRate}/s`, value: run.sendToReceiveMs.p99 },
    ])
    .concat(compared?.bars ?? []),
});
console.log(JSON.stringify(report, null, 2));
for (const row of scaling) {
  console.log(
    `${row.gateways} gateway(s): best ${row.bestAcceptedPerSecond} msgs/s accepted, ×${row.ratioToFirst}`,
  );
}
console.log(`wrote ${jsonPath} and ${pngPath}`);
if (committed !== undefined) {
  const current = report as ChatReport;
  const warning = machineMismatch(committed, current);
  if (!printCheck(CHECKED_REPORT, compareReports(committed, current), warning)) process.exitCode = 1;
}

/** Heap used and external memory of a service, in bytes, from its Prometheus /metrics. */
async function heapOf(url: string): Promise<{ heapUsed: number; external: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { heapUsed: gauge('nodejs_heap_size_used_bytes'), external: gauge('nodejs_external_memory_bytes') };
}

/** The commit measured, with `+` when the working tree differs from it. */
function gitCommit(): string {
  const git = (...gitArgs: string[]) =>
    execFileSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') === '' ? '' : '+'}`;
  } catch {
    return 'unknown';
  }
}

/** One whole setup: a cluster of `gatewayCount` gateways (behind HAProxy if asked), every rate, then idle sockets. */
async function measure(gatewayCount: number, withIdle: boolean) {
  await emptyRedisDb(BenchRedisDb.relay);
  cluster = await Cluster.start({
    gateways: gatewayCount,
    // bench.chat_service: the millions of bench messages never reach the real chat-service group.
    topicPrefix: 'bench.',
    // Tracing off whatever the shell says (infra/local/env.sh turns it on for local runs): the
    // figures are the chat path's own, comparable between runs and with other servers.
    env: { WS_MAX_BUFFERED_BYTES: String(64 * 1024 * 1024), OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  });
  let balancer: Balancer | undefined;
  try {
    if (viaBalancer) balancer = await Balancer.start(cluster.gatewayUrls);
    const front = balancer?.url;
    urlOf = (index) => front ?? (cluster.gatewayUrls[index % gatewayCount] as string);
    console.log(
      `cluster up: ${gatewayCount} gateways${front === undefined ? '' : ` behind HAProxy at ${front}`}, chat-api, chat-consumer (SQLite ${cluster.sqlitePath})`,
    );
    const users = await Promise.all(
      Array.from({ length: clientCount }, (_, index) => cluster.user(`Bench ${index}`)),
    );
    // Idle sockets first, on the fresh gateway (as on the fresh Centrifugo).
    const idle =
      withIdle && idleCount > 0
        ? await idleRun(users[0] as TestUser, users[1] as TestUser, idleCount)
        : undefined;
    // JIT and connection pools warm up on an unrecorded run first. 30 s: after a cluster starts,
    // Kafka spent 0.26–0.52 cores at 1,000 msgs/s for about a minute of traffic (0.12–0.15 once
    // settled), which with a 3 s warm-up doubled the first runs' p99.
    if (warmupSeconds > 0) await loadRun(users, rates[0] ?? 1000, warmupSeconds);
    const runs = [];
    for (const rate of rates) runs.push(await loadRun(users, rate, seconds));
    // The peer's scenarios on Relay too, while this cluster is up (first setup only).
    const peerRuns =
      peer === undefined || !withIdle
        ? undefined
        : await runScenarios(
            async (scenario) => {
              while (users.length < scenario.clients) users.push(await cluster.user(`Bench ${users.length}`));
              const run = await loadRun(
                users.slice(0, scenario.clients),
                scenario.rate,
                seconds,
                scenario.rooms,
              );
              return fromRelayRun(scenario.name, run);
            },
            peerBase,
            runs.map((run) => fromRelayRun('', run)),
          );
    return { gateways: gatewayCount, runs, idle, peerRuns };
  } finally {
    await balancer?.stop();
    await cluster.stop();
  }
}

async function loadRun(users: TestUser[], rate: number, seconds: number, roomsOf = roomCount) {
  // Rooms of clientCount / roomCount members; every member on a gateway by its index.
  const perRoom = Math.max(2, Math.floor(users.length / roomsOf));
  const rooms: { chatId: string; members: number[] }[] = [];
  for (let room = 0; room < roomsOf; room += 1) {
    const members = Array.from({ length: perRoom }, (_, offset) => (room * perRoom + offset) % users.length);
    const [owner, ...others] = members.map((index) => users[index] as TestUser);
    rooms.push({ chatId: await cluster.createChat(owner as TestUser, others), members });
  }
  const sentAt = new Map<string, number>();
  const expected = new Map<string, number>();
  const delivered = new Map<string, number>();
  const latencies: number[] = [];
  const ackTimes: number[] = [];
  let duplicates = 0;
  const members: { client: RelayBenchClient; chatId: string }[] = [];
  for (const room of rooms) {
    for (const index of room.members) {
      const user = users[index] as TestUser;
      const client = await RelayBenchClient.connect(
        `${urlOf(index).replace('http', 'ws')}/ws`,
        user.accessToken,
      );
      // Each client's own record of what it heard: a message id heard twice is a duplicate.
      const heard = new Set<string>();
      client.onMessage((message) => {
        if (heard.has(message.messageId)) {
          duplicates += 1;
          return;
        }
        heard.add(message.messageId);
        // Only the measured messages count (not the warm-up).
        const started = sentAt.get(message.clientMsgId);
        if (started === undefined) return;
        latencies.push(performance.now() - started);
        delivered.set(message.clientMsgId, (delivered.get(message.clientMsgId) ?? 0) + 1);
      });
      members.push({ client, chatId: room.chatId });
    }
  }
  await Promise.all(members.map(({ client, chatId }) => client.subscribe(chatId)));

  const chatIds = rooms.map((room) => room.chatId);
  // Warm-up: one message per room, persisted, so chat-consumer has caught up with older events
  // on the shared topic before the clock starts.
  await Promise.all(
    rooms.map((room, index) => members[index * perRoom]?.client.send(room.chatId, 'warm-up', randomUUID())),
  );
  // One read-only handle and one query: the sampler must not stall this process's event loop,
  // which timestamps every delivery.
  const store = new DatabaseSync(cluster.sqlitePath, { readOnly: true });
  const countRows = store.prepare(
    `select count(*) as n from messages where chat_id in (${chatIds.map(() => '?').join(',')})`,
  );
  const warmed = () => Number((countRows.get(...chatIds) as { n: number }).n);
  for (
    const deadline = performance.now() + 120_000;
    warmed() < rooms.length && performance.now() < deadline;
  )
    await sleep(100);
  const rowsBefore = warmed();
  const persistedSamples: { at: number; rows: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      persistedSamples.push({ at: performance.now(), rows: warmed() - rowsBefore });
      await sleep(10); // the lag below is only as fine as this
    }
  })();
  let peakRss = { gateways: 0, consumer: 0 };
  const rssSampler = setInterval(() => {
    const gateways = cluster.gateways.reduce((sum, gateway) => sum + rssMiB(gateway.process.pid), 0);
    peakRss = {
      gateways: Math.max(peakRss.gateways, gateways),
      consumer: Math.max(peakRss.consumer, rssMiB(cluster.consumer.pid)),
    };
  }, 250);

  const cpuAccounting = new CpuAccounting(() => ({
    gateway: cluster.gateways.map((gateway) => gateway.process.pid),
    'chat-consumer': cluster.consumers.map((consumer) => consumer.pid),
    'chat-api': [cluster.chatApi.pid],
    'gateway-worker': [cluster.worker.pid],
  }));
  cpuAccounting.start();
  const sends: Promise<unknown>[] = [];
  const { start, sent, sendSeconds } = await paceSends(rate, seconds, (index) => {
    const member = members[index % members.length] as (typeof members)[number];
    const clientMsgId = randomUUID();
    sentAt.set(clientMsgId, performance.now());
    expected.set(clientMsgId, perRoom - 1);
    sends.push(
      member.client.send(member.chatId, `bench ${index}`, clientMsgId).then(
        () => ackTimes.push(performance.now()),
        () => undefined,
      ),
    );
  });
  const cpu = cpuAccounting.stop();
  await Promise.race([Promise.all(sends), sleep(60_000)]);
  const acceptedSeconds = ((ackTimes.at(-1) ?? performance.now()) - start) / 1000;
  const deadline = performance.now() + 60_000;
  const totalExpected = sent * (perRoom - 1);
  const countDelivered = () => [...delivered.values()].reduce((sum, value) => sum + value, 0);
  while (countDelivered() < totalExpected && performance.now() < deadline) await sleep(50);
  while ((persistedSamples.at(-1)?.rows ?? 0) < sent && performance.now() < deadline) await sleep(50);
  sampling = false;
  await sampler;
  clearInterval(rssSampler);

  // Lag of the k-th persisted row behind the k-th ack (both in order).
  const lags: number[] = [];
  let sample = 0;
  for (let k = 1; k <= ackTimes.length; k += Math.max(1, Math.floor(ackTimes.length / 2000))) {
    while (sample < persistedSamples.length && (persistedSamples[sample]?.rows ?? 0) < k) sample += 1;
    const persisted = persistedSamples[sample];
    if (persisted !== undefined) lags.push(Math.max(0, persisted.at - (ackTimes[k - 1] ?? 0)));
  }
  store.close();
  const rows = chatIds.map((chatId) => chatRows(cluster.sqlitePath, chatId));
  const totalRows = rows.reduce((sum, row) => sum + row.rows, 0) - rowsBefore;
  const distinctRows = rows.reduce((sum, row) => sum + row.distinct, 0) - rowsBefore;
  for (const { client } of members) client.close();

  const result = {
    targetRate: rate,
    sent,
    sendSeconds: round(sendSeconds),
    acked: ackTimes.length,
    acceptedPerSecond: Math.round(ackTimes.length / acceptedSeconds),
    deliveriesExpected: totalExpected,
    delivered: countDelivered(),
    lost: totalExpected - countDelivered() + (sent - distinctRows),
    duplicated: duplicates + (totalRows - distinctRows),
    persistedRows: distinctRows,
    sendToReceiveMs: summarize(latencies),
    sendToPersistedMs: summarize(lags),
    peakRssMiB: { gateways: Math.round(peakRss.gateways), consumer: Math.round(peakRss.consumer) },
    // Cores busy while sending, per process (a noisy run shows as `other`).
    cpuCores: cpu,
  };
  console.log(
    `${rate}/s: accepted ${result.acceptedPerSecond}/s, p50/p99/max ${result.sendToReceiveMs.p50}/${result.sendToReceiveMs.p99}/${result.sendToReceiveMs.max} ms, persisted lag p99 ${result.sendToPersistedMs.p99} ms, lost ${result.lost}, duplicated ${result.duplicated}; ${formatCores(cpu)}`,
  );
  return result;
}

/**
 * `count` sockets of one user on the first gateway, each subscribed to one of 10 chats, held idle;
 * the gateway's RSS per socket. Measured on the fresh process, before any load: on a heap a load
 * run grew, new sockets fill freed memory and the figure reads low.
 */
async function idleRun(owner: TestUser, member: TestUser, count: number) {
  const gateway = cluster.gateways[0];
  if (gateway === undefined) throw new Error('no gateway');
  const url = `${gateway.url.replace('http', 'ws')}/ws`;
  const chatIds = await Promise.all(Array.from({ length: 10 }, () => cluster.createChat(owner, [member])));
  await sleep(1000);
  const before = rssMiB(gateway.process.pid);
  const heapBefore = await heapOf(gateway.url);
  const clients: RelayBenchClient[] = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 500) {
    const batch = Array.from({ length: Math.min(500, count - index) }, async (_, offset) => {
      const client = await RelayBenchClient.connect(url, owner.accessToken);
      clients.push(client);
      await client.subscribe(chatIds[(index + offset) % chatIds.length] as string);
    });
    await Promise.all(batch);
  }
  const openSeconds = (performance.now() - started) / 1000;
  await sleep(IDLE_SETTLE_MS);
  const after = rssMiB(gateway.process.pid);
  const heapAfter = await heapOf(gateway.url);
  const open = clients.filter((client) => client.open).length;
  for (const client of clients) client.close();
  const result = {
    sockets: count,
    open,
    openSeconds: round(openSeconds),
    gatewayRssMiB: { before: Math.round(before), after: Math.round(after) },
    perSocketKiB: round(((after - before) * 1024) / count),
    // Where it is: V8's heap (JS objects) or outside it (Buffers, native handles), from /metrics.
    perSocketHeapKiB: round((heapAfter.heapUsed - heapBefore.heapUsed) / 1024 / count),
    perSocketExternalKiB: round((heapAfter.external - heapBefore.external) / 1024 / count),
  };
  console.log(
    `idle: ${open}/${count} open and subscribed, gateway RSS ${result.gatewayRssMiB.before} → ${result.gatewayRssMiB.after} MiB (per socket: ${result.perSocketKiB} KiB, of it V8 heap ${result.perSocketHeapKiB}, external ${result.perSocketExternalKiB})`,
  );
  return result;
}
