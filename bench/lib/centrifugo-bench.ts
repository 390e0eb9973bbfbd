import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMiB } from '@relay/testing';
import { CENTRIFUGO_VERSION, CentrifugoServer, connectionToken } from './centrifugo.ts';
import { CentrifugoClient } from './centrifugo-client.ts';
import { CpuAccounting, type CpuBreakdown, formatCores } from './machine-load.ts';
import { IDLE_SETTLE_MS, paceSends, round, summarize } from './stats.ts';

/** One load: `clients` in `rooms` rooms of clients / rooms members, sending `rate` msgs/s in total. */
export interface Scenario {
  name: string;
  clients: number;
  rooms: number;
  rate: number;
}

/** What both systems report per run, so the two sides compare field by field. */
export interface RunFigures {
  scenario: string;
  targetRate: number;
  acceptedPerSecond: number;
  sendToReceiveMs: { p50: number; p99: number; max: number };
  lost: number;
  duplicated: number;
  /** Peak RSS of the server: Relay's gateways (not chat-api or the consumer); the one Centrifugo process. */
  serverRssMiB: number;
  /** Centrifugo's runs only: cores its process and Redis used while sending. */
  cpuCores?: CpuBreakdown;
}

export interface ScenarioResults {
  runs: RunFigures[];
  /** The highest offered rate delivered with 0 lost and accepted in full (≥ 95 %), by stepping up. */
  highestZeroLost: { targetRate: number; acceptedPerSecond: number } | undefined;
}

interface IdleFigures {
  sockets: number;
  open: number;
  perSocketKiB: number;
}

export interface BaseLoad {
  clients: number;
  rooms: number;
  rates: number[];
  seconds: number;
  warmupSeconds: number;
  idle: number;
}

const ROOMS_OF_FIVE: Omit<Scenario, 'rate'> = { name: 'rooms of 5', clients: 200, rooms: 40 };
const ROOMS_OF_FIVE_RATE = 3000;
const STEP_UP_MAX = 40_000;
const RATE_STEP = 250;
/** The bisection stops when the first failed rate is within this share above the highest clean one. */
const BISECT_WITHIN = 0.07;

/** Relay's loadRun result as figures of the comparison. */
export function fromRelayRun(
  scenario: string,
  run: {
    targetRate: number;
    acceptedPerSecond: number;
    sendToReceiveMs: RunFigures['sendToReceiveMs'];
    lost: number;
    duplicated: number;
    peakRssMiB: { gateways: number };
    cpuCores: CpuBreakdown;
  },
): RunFigures {
  const { targetRate, acceptedPerSecond, sendToReceiveMs, lost, duplicated } = run;
  return {
    scenario,
    targetRate,
    acceptedPerSecond,
    sendToReceiveMs,
    lost,
    duplicated,
    serverRssMiB: run.peakRssMiB.gateways,
    cpuCores: run.cpuCores,
  };
}

const baseName = (base: BaseLoad) =>
  base.clients === base.rooms * 2 ? 'pairs' : `${base.clients} in ${base.rooms} rooms`;
const clean = (run: RunFigures) => run.lost === 0 && run.acceptedPerSecond >= 0.95 * run.targetRate;
const toStep = (rate: number) => Math.round(rate / RATE_STEP) * RATE_STEP;

/**
 * The highest clean run: steps of a quarter up from the best clean one in `runs` (a rate that
 * already failed above it ends the search there), then halving the gap to the first rate that
 * failed, until the highest clean rate is known within BISECT_WITHIN. Adds every run to `runs`.
 */
export async function stepUp(
  runAt: (rate: number) => Promise<RunFigures>,
  runs: RunFigures[],
): Promise<RunFigures | undefined> {
  let highest = runs.filter(clean).at(-1);
  if (highest === undefined) return undefined;
  let failed = Math.min(
    STEP_UP_MAX + RATE_STEP,
    ...runs
      .filter((run) => !clean(run) && run.targetRate > (highest?.targetRate ?? 0))
      .map((run) => run.targetRate),
  );
  const measure = async (rate: number) => {
    const figures = await runAt(rate);
    runs.push(figures);
    if (!clean(figures)) failed = rate;
    else highest = figures;
    return clean(figures);
  };
  let rate = toStep(highest.targetRate * 1.25);
  while (rate < failed && (await measure(rate))) rate = toStep(rate * 1.25);
  if (failed > STEP_UP_MAX) return highest;
  for (;;) {
    const middle = toStep((highest.targetRate + failed) / 2);
    if (failed - highest.targetRate <= BISECT_WITHIN * highest.targetRate || middle <= highest.targetRate)
      break;
    await measure(middle);
  }
  return highest;
}

/**
 * The same scenarios for either system: the base load at every rate (`known` runs reused), a
 * step-up from the best clean rate to the highest with 0 lost, and rooms of 5 at 3,000 msgs/s.
 */
export async function runScenarios(
  run: (scenario: Scenario) => Promise<RunFigures>,
  base: BaseLoad,
  known: RunFigures[] = [],
): Promise<ScenarioResults> {
  const name = baseName(base);
  const runs: RunFigures[] = [];
  for (const rate of base.rates) {
    const measured = known.find((figures) => figures.targetRate === rate);
    runs.push(
      measured === undefined
        ? await run({ name, clients: base.clients, rooms: base.rooms, rate })
        : { ...measured, scenario: name },
    );
  }
  const highest = await stepUp(
    (rate) => run({ name: `${name}, step-up`, clients: base.clients, rooms: base.rooms, rate }),
    runs,
  );
  runs.push(await run({ ...ROOMS_OF_FIVE, rate: ROOMS_OF_FIVE_RATE }));
  return {
    runs,
    highestZeroLost:
      highest === undefined
        ? undefined
        : { targetRate: highest.targetRate, acceptedPerSecond: highest.acceptedPerSecond },
  };
}

/** One run against Centrifugo, measured as bench/chat measures Relay. */
async function centrifugoLoadRun(
  server: CentrifugoServer,
  scenario: Scenario,
  seconds: number,
): Promise<RunFigures> {
  const perRoom = Math.max(2, Math.floor(scenario.clients / scenario.rooms));
  const runId = randomUUID();
  const members: { client: CentrifugoClient; index: number; channel: string }[] = [];
  const received = new Map<number, Set<number>>();
  const sentAt: number[] = [];
  const latencies: number[] = [];
  let delivered = 0;
  let duplicated = 0;
  for (let room = 0; room < scenario.rooms; room += 1) {
    for (let offset = 0; offset < perRoom; offset += 1) {
      const index = (room * perRoom + offset) % scenario.clients;
      members.push({ client: undefined as never, index, channel: `chat:room-${room}` });
    }
  }
  await Promise.all(
    members.map(async (member, position) => {
      const client = await CentrifugoClient.connect(
        server.wsUrl,
        connectionToken(server.hmacSecret, `bench-${member.index}`),
      );
      const seen = new Set<number>();
      received.set(position, seen);
      client.onPublication((_channel, data) => {
        const message = data as { run: string; n: number; from: number };
        // Only this run's messages to other members count (Centrifugo echoes a publication to its sender).
        if (message.run !== runId || message.from === position) return;
        if (seen.has(message.n)) {
          duplicated += 1;
          return;
        }
        seen.add(message.n);
        delivered += 1;
        latencies.push(performance.now() - (sentAt[message.n] ?? 0));
      });
      await client.subscribe(member.channel);
      member.client = client;
    }),
  );

  let peakRss = 0;
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMiB(server.pid));
  }, 250);
  // Cores per process while sending, as for Relay's runs: load not this run's makes a noisy run visible.
  const cpuAccounting = new CpuAccounting(() => ({ centrifugo: [server.pid] }));
  cpuAccounting.start();
  const publishes: Promise<void>[] = [];
  let acked = 0;
  let lastAck = 0;
  const { start, sent } = await paceSends(scenario.rate, seconds, (index) => {
    const position = index % members.length;
    const member = members[position] as (typeof members)[number];
    sentAt[index] = performance.now();
    publishes.push(
      member.client
        .publish(member.channel, {
          run: runId,
          n: index,
          from: position,
          clientMsgId: randomUUID(),
          text: `bench ${index}`,
        })
        .then(
          () => {
            acked += 1;
            lastAck = performance.now();
          },
          () => undefined,
        ),
    );
  });
  const cpu = cpuAccounting.stop();
  await Promise.race([Promise.all(publishes), sleep(60_000)]);
  const acceptedSeconds = ((lastAck || performance.now()) - start) / 1000;
  const expected = sent * (perRoom - 1);
  // Deliveries drain until all arrived, or none for 5 s (a dropped one never comes), at most 60 s.
  const deadline = performance.now() + 60_000;
  for (
    let last = -1, since = performance.now();
    delivered < expected && performance.now() < deadline;
    await sleep(50)
  ) {
    if (delivered !== last) [last, since] = [delivered, performance.now()];
    else if (performance.now() - since > 5000) break;
  }
  clearInterval(rssSampler);
  for (const { client } of members) client.close();

  const figures: RunFigures = {
    scenario: scenario.name,
    targetRate: scenario.rate,
    acceptedPerSecond: Math.round(acked / acceptedSeconds),
    sendToReceiveMs: summarize(latencies),
    lost: expected - delivered,
    duplicated,
    serverRssMiB: Math.round(peakRss),
    cpuCores: cpu,
  };
  console.log(
    `centrifugo ${scenario.name} ${scenario.rate}/s: accepted ${figures.acceptedPerSecond}/s, p50/p99/max ${figures.sendToReceiveMs.p50}/${figures.sendToReceiveMs.p99}/${figures.sendToReceiveMs.max} ms, lost ${figures.lost}, duplicated ${figures.duplicated}, RSS ${figures.serverRssMiB} MiB; ${formatCores(cpu)}`,
  );
  return figures;
}

/** `count` connected sockets, each subscribed to a channel, held idle; the server's RSS per socket. */
async function centrifugoIdleRun(server: CentrifugoServer, count: number): Promise<IdleFigures> {
  await sleep(1000);
  const before = rssMiB(server.pid);
  const clients: CentrifugoClient[] = [];
  for (let index = 0; index < count; index += 500) {
    const batch = Array.from({ length: Math.min(500, count - index) }, async (_, offset) => {
      const client = await CentrifugoClient.connect(
        server.wsUrl,
        connectionToken(server.hmacSecret, `idle-${index + offset}`),
      );
      clients.push(client);
      await client.subscribe(`chat:idle-${(index + offset) % 1000}`);
    });
    await Promise.all(batch);
  }
  await sleep(IDLE_SETTLE_MS);
  const after = rssMiB(server.pid);
  const open = clients.filter((client) => client.open).length;
  for (const client of clients) client.close();
  const figures = { sockets: count, open, perSocketKiB: round(((after - before) * 1024) / count) };
  console.log(`centrifugo idle: ${open}/${count} open, RSS ${Math.round(before)} → ${Math.round(after)} MiB`);
  return figures;
}

/** Centrifugo under the same scenarios, warmed up first like Relay, and its idle sockets. */
async function measureCentrifugo(base: BaseLoad) {
  const server = await CentrifugoServer.start();
  try {
    console.log(`centrifugo ${CENTRIFUGO_VERSION} up at ${server.url} (pid ${server.pid}), Redis broker`);
    const run = (scenario: Scenario) => centrifugoLoadRun(server, scenario, base.seconds);
    // Idle sockets first, on the fresh process (as on Relay's fresh gateway).
    const idle = base.idle > 0 ? await centrifugoIdleRun(server, base.idle) : undefined;
    if (base.warmupSeconds > 0) {
      await centrifugoLoadRun(
        server,
        { name: 'warm-up', clients: base.clients, rooms: base.rooms, rate: base.rates[0] ?? 1000 },
        base.warmupSeconds,
      );
    }
    const results = await runScenarios(run, base);
    const { hmac_secret_key: _secret, ...token } = server.config.client.token;
    return { ...results, idle, config: { ...server.config, client: { token } } };
  } finally {
    await server.stop();
  }
}

const ratio = (relay: number, peer: number) => (peer === 0 ? null : Math.round((relay / peer) * 100) / 100);

/**
 * `--peer centrifugo`: after Relay's runs, the same scenarios against Centrifugo; prints both
 * side by side with Relay / Centrifugo ratios and returns them for the JSON report and chart.
 */
export async function comparePeer(
  relay: ScenarioResults & { idle?: { sockets: number; perSocketKiB: number } | undefined },
  base: BaseLoad,
) {
  const centrifugo = await measureCentrifugo(base);
  const rows = relay.runs.map((ours) => {
    const theirs = centrifugo.runs.find(
      (run) =>
        run.scenario.replace(', step-up', '') === ours.scenario.replace(', step-up', '') &&
        run.targetRate === ours.targetRate,
    );
    return {
      scenario: `${ours.scenario.replace(', step-up', '')} at ${ours.targetRate}/s`,
      relay: ours,
      centrifugo: theirs,
      ratio:
        theirs === undefined
          ? undefined
          : {
              acceptedPerSecond: ratio(ours.acceptedPerSecond, theirs.acceptedPerSecond),
              p99: ratio(ours.sendToReceiveMs.p99, theirs.sendToReceiveMs.p99),
              serverRss: ratio(ours.serverRssMiB, theirs.serverRssMiB),
            },
    };
  });
  const highest = {
    relay: relay.highestZeroLost,
    centrifugo: centrifugo.highestZeroLost,
    ratio: ratio(
      relay.highestZeroLost?.acceptedPerSecond ?? 0,
      centrifugo.highestZeroLost?.acceptedPerSecond ?? 0,
    ),
  };
  const idle = {
    relay: relay.idle,
    centrifugo: centrifugo.idle,
    ratio: ratio(relay.idle?.perSocketKiB ?? 0, centrifugo.idle?.perSocketKiB ?? 0),
  };

  console.log(`\nRelay vs Centrifugo ${CENTRIFUGO_VERSION} (ratio = Relay / Centrifugo)`);
  const cell = (run: RunFigures | undefined) =>
    run === undefined
      ? '—'
      : `${run.acceptedPerSecond}/s, p50 ${run.sendToReceiveMs.p50} p99 ${run.sendToReceiveMs.p99} max ${run.sendToReceiveMs.max} ms, lost ${run.lost}, dup ${run.duplicated}, ${run.serverRssMiB} MiB`;
  for (const row of rows) {
    console.log(
      `${row.scenario}\n  relay      ${cell(row.relay)}\n  centrifugo ${cell(row.centrifugo)}\n  ratio      accepted ×${row.ratio?.acceptedPerSecond ?? '—'}, p99 ×${row.ratio?.p99 ?? '—'}, RSS ×${row.ratio?.serverRss ?? '—'}`,
    );
  }
  console.log(
    `highest with 0 lost: relay ${highest.relay?.acceptedPerSecond ?? '—'}/s (offered ${highest.relay?.targetRate ?? '—'}), centrifugo ${highest.centrifugo?.acceptedPerSecond ?? '—'}/s (offered ${highest.centrifugo?.targetRate ?? '—'}), ×${highest.ratio ?? '—'}`,
  );
  console.log(
    `idle RSS per socket: relay ${idle.relay?.perSocketKiB ?? '—'} KiB (${idle.relay?.sockets ?? 0}), centrifugo ${idle.centrifugo?.perSocketKiB ?? '—'} KiB (${idle.centrifugo?.sockets ?? 0}), ×${idle.ratio ?? '—'}`,
  );

  // Short labels: the chart's label column is narrow.
  const short = (scenario: string) =>
    scenario.replace('rooms of 5 at ', '5/room ').replace('pairs at ', 'pairs ');
  // A rate only one side's step-up offered gets one bar, not a zero for the other.
  const bars = rows.flatMap((row) => [
    { label: `relay p99, ${short(row.scenario)}`, value: row.relay.sendToReceiveMs.p99 },
    ...(row.centrifugo === undefined
      ? []
      : [{ label: `centrifugo p99, ${short(row.scenario)}`, value: row.centrifugo.sendToReceiveMs.p99 }]),
  ]);
  return {
    report: {
      name: 'centrifugo',
      version: CENTRIFUGO_VERSION,
      config: centrifugo.config,
      rows,
      highestZeroLost: highest,
      idle,
    },
    bars,
  };
}
