/**
 * Relay against Gotenberg 8.36 (built natively by bench/gotenberg.sh), side by side in one run, on the same
 * files, at the same concurrencies, on the same machine: Relay end to end (upload through the gateway →
 * `done` on the owner's WebSocket → download; CONVERT_POOL_SIZE and CONVERT_CHROMIUM_POOL_SIZE = cores)
 * and one Gotenberg instance per core (its own port, LibreOffice and Chromium), balanced round-robin by
 * this client (its LibreOffice route for Office files, its Chromium routes for HTML and Markdown).
 * Per document type and concurrency: conversions per minute, p50/p99 latency, their ratios, and the
 * fidelity of both systems' PDFs of the same file, by the scorer the fidelity suite uses
 * (@relay/testing's pdf-fidelity). Goals (issue 19): ≥ 3× Gotenberg's throughput at 8 in flight on every
 * type; Relay's p99 below Gotenberg's p50; fidelity ≥ Gotenberg's on every file — PASS/MISS printed,
 * never asserted. Writes bench/results/convert-vs-gotenberg.{json,png} and page 1 of both systems' PDFs
 * of the invoice, the Markdown file, the CJK docx and the commented corpus file to bench/results/fidelity/.
 *
 *   npm run bench:convert-vs-gotenberg -- --files 16 --concurrency 1,8
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import {
  Cluster,
  CORPUS_DIR,
  cjkDocx,
  type FidelityKind,
  type FidelityScore,
  invoiceHtml,
  officeFontsDocx,
  releaseMarkdown,
  scoreFidelity,
} from '@relay/testing';
import { GOTENBERG_VERSION, GotenbergServer, gotenbergRequest, installGotenberg } from './lib/gotenberg.ts';
import { settle } from './lib/machine-load.ts';
import { loadLocalEnv } from './lib/processes.ts';
import { relayConvert, statusSocket } from './lib/relay-convert-client.ts';
import { writeReport } from './lib/report.ts';
import { round, summarize } from './lib/stats.ts';

const run = promisify(execFile);
loadLocalEnv();
const { values: args } = parseArgs({
  options: {
    /** Conversions per document type, system and concurrency. */
    files: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '1,8' },
    instances: { type: 'string', default: String(availableParallelism()) },
  },
});
const fileCount = Number(args.files);
const concurrencies = String(args.concurrency).split(',').map(Number);
const instances = Number(args.instances);
const RESULTS = join(import.meta.dirname, 'results');

interface Document {
  type: string;
  name: string;
  kind: FidelityKind;
  bytes: Buffer;
  /** Page 1 of both systems' PDFs goes to bench/results/fidelity/<picture>-{relay,gotenberg}.png. */
  picture?: string;
}

const marker = 'BENCH';
const corpusFile = async (type: string, file: string, kind: FidelityKind, picture?: string) => ({
  type,
  name: file,
  kind,
  bytes: await readFile(join(CORPUS_DIR, file)),
  picture,
});
const documents: Document[] = [
  { type: 'small docx', name: 'office-fonts.docx', kind: 'docx', bytes: officeFontsDocx(marker) },
  await corpusFile('7-page docx', 'poi-Bug51170.docx', 'docx'),
  await corpusFile('xlsx', 'poi-DataTableCities.xlsx', 'xlsx'),
  await corpusFile('pptx', 'poi-shapes.pptx', 'pptx'),
  await corpusFile('commented docx', 'tika-testWORD_embedded_pics.docx', 'docx', 'commented-docx'),
  {
    type: 'html invoice',
    name: 'invoice.html',
    kind: 'html',
    bytes: Buffer.from(invoiceHtml(marker)),
    picture: 'invoice',
  },
  {
    type: 'markdown',
    name: 'notes.md',
    kind: 'md',
    bytes: Buffer.from(releaseMarkdown(marker)),
    picture: 'markdown',
  },
  { type: 'cjk docx', name: 'cjk.docx', kind: 'docx', bytes: cjkDocx(marker), picture: 'cjk-docx' },
];

type Convert = (doc: Document) => Promise<Buffer | undefined>;

/** `count` conversions of `doc`, `concurrency` in flight; the latencies and the first PDF made. */
async function batch(convert: Convert, doc: Document, count: number, concurrency: number) {
  const seconds: number[] = [];
  let failed = 0;
  let next = 0;
  let sample: Buffer | undefined;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      next += 1;
      const begin = performance.now();
      const pdf = await convert(doc).catch((error: unknown) => {
        console.error(`${doc.type}: ${String(error)}`);
        return undefined;
      });
      seconds.push(performance.now() - begin);
      if (pdf === undefined) failed += 1;
      else sample ??= pdf;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const total = (performance.now() - started) / 1000;
  return { perMinute: round((60 * (count - failed)) / total), latencyMs: summarize(seconds), failed, sample };
}

const work = await mkdtemp(join(tmpdir(), 'relay-bench-vs-gotenberg-'));
const bin = await installGotenberg();
const servers: GotenbergServer[] = [];
let cluster: Cluster | undefined;
const cleanUp = async () => {
  await cluster?.stop();
  for (const server of servers) await server.stop();
  await rm(work, { recursive: true, force: true });
};
// Interrupted, it still stops what it started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}
try {
  for (let index = 0; index < instances; index += 1) servers.push(await GotenbergServer.start(bin));
  let turn = 0;
  const gotenberg: Convert = async (doc) => {
    const server = servers[turn++ % servers.length] as GotenbergServer;
    const { path, form } = gotenbergRequest(doc.name, doc.bytes);
    const response = await fetch(`${server.url}${path}`, { method: 'POST', body: form });
    if (!response.ok) throw new Error(`gotenberg answered ${response.status}: ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  };

  cluster = await Cluster.start({
    gateways: 1,
    convert: true,
    env: {
      CONVERT_POOL_SIZE: String(instances),
      CONVERT_CHROMIUM_POOL_SIZE: String(instances),
      CONVERT_TIMEOUT_MS: '60000',
      LOG_LEVEL: 'warn',
    },
  });
  const gateway = cluster.gatewayUrls[0] as string;
  const user = await cluster.user('Bench');
  const socket = await statusSocket(gateway, user);
  const relay: Convert = async (doc) => (await relayConvert(gateway, user, socket, doc.name, doc.bytes)).pdf;

  // Unrecorded warm-up: every instance of both has converted each type once.
  for (const doc of documents) {
    await batch(relay, doc, instances, instances);
    await batch(gotenberg, doc, instances, instances);
  }

  const runs = [];
  const samples = new Map<string, { relay?: Buffer; gotenberg?: Buffer }>();
  for (const doc of documents) {
    for (const concurrency of concurrencies) {
      // Gotenberg first, then Relay; alternating would not change much once each starts on a quiet machine.
      // Each measured on a quiet machine: neither pays for the other's leftovers.
      await settle();
      const peer = await batch(gotenberg, doc, fileCount, concurrency);
      await settle();
      const ours = await batch(relay, doc, fileCount, concurrency);
      const sample = samples.get(doc.type) ?? {};
      sample.relay ??= ours.sample;
      sample.gotenberg ??= peer.sample;
      samples.set(doc.type, sample);
      const entry = {
        type: doc.type,
        file: doc.name,
        concurrency,
        files: fileCount,
        relay: { perMinute: ours.perMinute, latencyMs: ours.latencyMs, failed: ours.failed },
        gotenberg: { perMinute: peer.perMinute, latencyMs: peer.latencyMs, failed: peer.failed },
        throughputRatio: round(ours.perMinute / Math.max(peer.perMinute, 1e-9)),
      };
      runs.push(entry);
      console.log(
        `${doc.type} ×${concurrency}: relay ${ours.perMinute}/min p50/p99 ${ours.latencyMs.p50}/${ours.latencyMs.p99} ms (failed ${ours.failed}); gotenberg ${peer.perMinute}/min p50/p99 ${peer.latencyMs.p50}/${peer.latencyMs.p99} ms (failed ${peer.failed}); ratio ${entry.throughputRatio}×`,
      );
    }
  }
  socket.close();

  // Fidelity of one PDF of each file from each system, by the fidelity suite's scorer.
  mkdirSync(join(RESULTS, 'fidelity'), { recursive: true });
  const fidelity = [];
  for (const doc of documents) {
    const source = join(work, doc.name);
    await writeFile(source, doc.bytes);
    const sample = samples.get(doc.type) ?? {};
    const scores: Record<string, FidelityScore | undefined> = {};
    for (const system of ['relay', 'gotenberg'] as const) {
      const pdf = sample[system];
      if (pdf === undefined) continue;
      const path = join(work, `${doc.name}.${system}.pdf`);
      await writeFile(path, pdf);
      scores[system] = await scoreFidelity(source, doc.kind, path);
      if (doc.picture !== undefined) {
        await run('pdftoppm', [
          '-r',
          '50',
          '-png',
          '-f',
          '1',
          '-l',
          '1',
          '-singlefile',
          path,
          join(RESULTS, 'fidelity', `${doc.picture}-${system}`),
        ]);
      }
    }
    fidelity.push({
      type: doc.type,
      file: doc.name,
      relay: brief(scores.relay),
      gotenberg: brief(scores.gotenberg),
    });
  }

  const goals = goalsOf(runs, fidelity);
  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    setup: {
      gotenberg: GOTENBERG_VERSION,
      gotenbergInstances: instances,
      relayPoolSize: instances,
      relayChromiumPoolSize: instances,
      files: fileCount,
      concurrencies,
    },
    runs,
    fidelity,
    goals,
  };
  const { jsonPath, pngPath } = await writeReport('convert-vs-gotenberg', report, {
    title: `Conversions per minute: Relay vs Gotenberg ${GOTENBERG_VERSION} (${instances} each)`,
    unit: '/min',
    bars: runs.flatMap((entry) => [
      { label: `relay ${entry.type} ×${entry.concurrency}`, value: entry.relay.perMinute },
      { label: `gotenberg ${entry.type} ×${entry.concurrency}`, value: entry.gotenberg.perMinute },
    ]),
  });
  printTables(runs, fidelity, goals);
  console.log(`wrote ${jsonPath}, ${pngPath} and bench/results/fidelity/*.png`);
} finally {
  await cleanUp();
}

/** The fidelity figures a reader compares: pages, recall, expected fonts embedded. */
function brief(score: FidelityScore | undefined) {
  if (score === undefined) return undefined;
  return {
    pages: score.pages,
    expectedPages: score.expectedPages,
    recall: Math.round(score.recall * 1000) / 1000,
    expectedFonts: score.expectedFonts,
    missingFonts: score.missingFonts,
    dejaVu: score.dejaVu,
    replacementChars: score.replacementChars,
    fonts: [...new Set(score.fonts.map((font) => (font.name === '[none]' ? font.type : font.name)))],
  };
}

type Run = {
  type: string;
  concurrency: number;
  relay: { perMinute: number; latencyMs: { p50: number; p99: number } };
  gotenberg: { perMinute: number; latencyMs: { p50: number; p99: number } };
  throughputRatio: number;
};
type Fidelity = { type: string; relay: ReturnType<typeof brief>; gotenberg: ReturnType<typeof brief> };

/** Fidelity at least the peer's: recall no lower, no more expected fonts missing, pages no further off. */
function fidelityAtLeast(entry: Fidelity): boolean {
  const { relay, gotenberg } = entry;
  if (relay === undefined) return false;
  if (gotenberg === undefined) return true;
  const pagesOff = (score: NonNullable<typeof relay>) =>
    score.expectedPages === undefined ? 0 : Math.abs(score.pages - score.expectedPages);
  return (
    relay.recall >= gotenberg.recall &&
    relay.missingFonts.length <= gotenberg.missingFonts.length &&
    relay.replacementChars <= gotenberg.replacementChars &&
    pagesOff(relay) <= pagesOff(gotenberg)
  );
}

function goalsOf(runs: Run[], fidelity: Fidelity[]) {
  const at8 = runs.filter((entry) => entry.concurrency === Math.max(...concurrencies));
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  return {
    throughput3xAt8: verdict(at8.every((entry) => entry.throughputRatio >= 3)),
    throughputMisses: at8.filter((entry) => entry.throughputRatio < 3).map((entry) => entry.type),
    relayP99BelowGotenbergP50: verdict(
      runs.every((entry) => entry.relay.latencyMs.p99 < entry.gotenberg.latencyMs.p50),
    ),
    latencyMisses: runs
      .filter((entry) => entry.relay.latencyMs.p99 >= entry.gotenberg.latencyMs.p50)
      .map((entry) => `${entry.type} ×${entry.concurrency}`),
    fidelityAtLeastGotenberg: verdict(fidelity.every(fidelityAtLeast)),
    fidelityMisses: fidelity.filter((entry) => !fidelityAtLeast(entry)).map((entry) => entry.type),
  };
}

function printTables(runs: Run[], fidelity: Fidelity[], goals: ReturnType<typeof goalsOf>) {
  console.log(
    `\n| type | in flight | Relay /min | Gotenberg /min | ratio | Relay p50 / p99 ms | Gotenberg p50 / p99 ms |\n|---|---|---|---|---|---|---|`,
  );
  for (const entry of runs) {
    console.log(
      `| ${entry.type} | ${entry.concurrency} | ${entry.relay.perMinute} | ${entry.gotenberg.perMinute} | ${entry.throughputRatio}× | ${entry.relay.latencyMs.p50} / ${entry.relay.latencyMs.p99} | ${entry.gotenberg.latencyMs.p50} / ${entry.gotenberg.latencyMs.p99} |`,
    );
  }
  const cell = (score: ReturnType<typeof brief>) =>
    score === undefined
      ? 'failed'
      : `${score.pages}${score.expectedPages === undefined ? '' : `/${score.expectedPages}`} p, recall ${score.recall}, fonts ${score.missingFonts.length === 0 ? 'ok' : `missing ${score.missingFonts.join(' ')}`}${score.dejaVu ? ', DejaVu' : ''}`;
  console.log(`\n| type | Relay fidelity | Gotenberg fidelity | ≥ |\n|---|---|---|---|`);
  for (const entry of fidelity) {
    console.log(
      `| ${entry.type} | ${cell(entry.relay)} | ${cell(entry.gotenberg)} | ${fidelityAtLeast(entry) ? 'yes' : 'no'} |`,
    );
  }
  console.log(`\n| goal | result |\n|---|---|`);
  console.log(
    `| ≥ 3× Gotenberg's throughput at 8 in flight, every type | ${goals.throughput3xAt8}${goals.throughputMisses.length > 0 ? ` (${goals.throughputMisses.join(', ')})` : ''} |`,
  );
  console.log(
    `| Relay's p99 below Gotenberg's p50 | ${goals.relayP99BelowGotenbergP50}${goals.latencyMisses.length > 0 ? ` (${goals.latencyMisses.join(', ')})` : ''} |`,
  );
  console.log(
    `| fidelity ≥ Gotenberg's on every file | ${goals.fidelityAtLeastGotenberg}${goals.fidelityMisses.length > 0 ? ` (${goals.fidelityMisses.join(', ')})` : ''} |`,
  );
}
