/**
 * Conversion benchmark, side by side in one run: a cold `soffice --headless --convert-to pdf` loop
 * (the way most conversion setups start LibreOffice per file) against Relay end to end (upload
 * through the gateway → `done` on the owner's WebSocket → download) for a 1-page docx, a 10-page
 * docx and a 5-sheet xlsx, at concurrency 1 and 8. Prints throughput and latency with their ratios
 * to the cold loop, convert-worker's RSS (its LibreOffice instances included), and, with --soak N,
 * RSS sampled over N small conversions (recycling keeps it flat). Targets (issue 10): small docx
 * throughput ≥ 10× the cold loop; p50 upload→done ≤ 0.3× one cold soffice of the same file.
 * Needs the infrastructure up (`./relay up` or `./relay test`); writes bench/results/convert.{json,png}.
 *
 *   npm run bench:convert -- --files 40 --cold 6 --concurrency 1,8 --pool 2 --soak 0
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import type { Conversion } from '@relay/contracts';
import { Cluster, type TestUser } from '@relay/testing';
import { descendantsOf, loadLocalEnv } from './lib/processes.ts';
import { relayConvert, type StatusSocket, statusSocket } from './lib/relay-convert-client.ts';
import { writeReport } from './lib/report.ts';

const run = promisify(execFile);
loadLocalEnv();
const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '40' },
    cold: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '1,8' },
    pool: { type: 'string', default: String(cpus().length) },
    soak: { type: 'string', default: '0' },
    /** The conversion timeout of the run; the hang phase's slow file is stopped after it. */
    timeout: { type: 'string', default: '15000' },
    hang: { type: 'boolean', default: true },
    /** How many of the three documents to run (1: the small docx only, for a quick look). */
    documents: { type: 'string', default: '3' },
  },
});
const fileCount = Number(args.files);
const coldCount = Number(args.cold);
const concurrencies = String(args.concurrency).split(',').map(Number);
const poolSize = Number(args.pool);
const soakCount = Number(args.soak);
const timeoutMs = Number(args.timeout);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

const work = await mkdtemp(join(tmpdir(), 'relay-bench-convert-'));
const documents = (await makeDocuments(work)).slice(0, Number(args.documents));
console.log(`documents: ${documents.map((doc) => doc.name).join(', ')}`);

// The baseline first, alone on the machine: cold soffice, one file at a time, a profile kept between runs.
const cold: Record<string, { seconds: number[]; perMinute: number; median: number }> = {};
for (const doc of documents) {
  const seconds: number[] = [];
  const profile = join(work, 'cold-profile');
  for (let index = 0; index < coldCount; index += 1) {
    const started = performance.now();
    await run('soffice', [
      `-env:UserInstallation=file://${profile}`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      join(work, 'cold-out'),
      doc.path,
    ]);
    seconds.push((performance.now() - started) / 1000);
  }
  const total = seconds.reduce((sum, value) => sum + value, 0);
  cold[doc.name] = {
    seconds: seconds.map((value) => round(value, 3)),
    perMinute: round((60 * seconds.length) / total),
    median: round(percentile(seconds, 50), 3),
  };
  console.log(
    `cold soffice ${doc.name}: median ${cold[doc.name]?.median} s, ${cold[doc.name]?.perMinute} per minute`,
  );
}

const cluster = await Cluster.start({
  gateways: 1,
  convert: true,
  env: { CONVERT_POOL_SIZE: String(poolSize), CONVERT_TIMEOUT_MS: String(timeoutMs), LOG_LEVEL: 'warn' },
});
try {
  const user = await cluster.user('Bench');
  const socket = await statusSocket(cluster.gatewayUrls[0] as string, user);
  const gateway = cluster.gatewayUrls[0] as string;

  // Unrecorded warm-up: every instance has converted each kind once.
  await runBatch(gateway, user, socket, documents, poolSize * documents.length, poolSize);

  const runs = [];
  for (const doc of documents) {
    for (const concurrency of concurrencies) {
      const result = await runBatch(gateway, user, socket, [doc], fileCount, concurrency);
      const coldOne = cold[doc.name] as (typeof cold)[string];
      const entry = {
        document: doc.name,
        concurrency,
        files: fileCount,
        perMinute: round(result.perMinute),
        throughputVsCold: round(result.perMinute / coldOne.perMinute, 2),
        uploadToDone: {
          p50: round(percentile(result.done, 50) * 1000),
          p99: round(percentile(result.done, 99) * 1000),
        },
        uploadToDownloaded: { p50: round(percentile(result.downloaded, 50) * 1000) },
        p50VsOneCold: round(percentile(result.done, 50) / coldOne.median, 3),
        failed: result.failed,
        workerRssMiB: round(workerRssMiB(cluster)),
      };
      runs.push(entry);
      console.log(
        `relay ${doc.name} ×${concurrency}: ${entry.perMinute}/min (${entry.throughputVsCold}× cold), upload→done p50/p99 ${entry.uploadToDone.p50}/${entry.uploadToDone.p99} ms (${entry.p50VsOneCold}× one cold), failed ${entry.failed}, worker RSS ${entry.workerRssMiB} MiB`,
      );
    }
  }

  const hang = args.hang ? await hangRun(gateway, user, socket, documents[0] as Document) : undefined;

  const soak: { files: number; rssMiB: number }[] = [];
  const small = documents[0] as Document;
  for (let done = 0; done < soakCount; done += 100) {
    await runBatch(gateway, user, socket, [small], Math.min(100, soakCount - done), 8);
    soak.push({ files: Math.min(done + 100, soakCount), rssMiB: round(workerRssMiB(cluster)) });
    console.log(`soak: ${soak.at(-1)?.files} files, worker RSS ${soak.at(-1)?.rssMiB} MiB`);
  }
  socket.close();

  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    setup: { poolSize, files: fileCount, coldRuns: coldCount, concurrencies },
    cold,
    runs,
    hang,
    soak,
  };
  const { jsonPath, pngPath } = await writeReport('convert', report, {
    title: `Conversions per minute: Relay (pool of ${poolSize}) vs cold soffice`,
    unit: '/min',
    bars: [
      ...documents.map((doc) => ({
        label: `cold soffice ${doc.name}`,
        value: cold[doc.name]?.perMinute ?? 0,
      })),
      ...runs.map((entry) => ({
        label: `relay ${entry.document} ×${entry.concurrency}`,
        value: entry.perMinute,
      })),
    ],
  });
  console.log(JSON.stringify(report, null, 2));
  console.log(`wrote ${jsonPath} and ${pngPath}`);
} finally {
  await cluster.stop();
  await rm(work, { recursive: true, force: true });
}

/**
 * One file that keeps its instance busy past the timeout (megabytes of text to lay out), uploaded
 * while small docx files run at concurrency 8: their throughput during the hang, against the same
 * load without it, and how long the slow file held its instance.
 */
async function hangRun(gatewayUrl: string, user: TestUser, socket: StatusSocket, small: Document) {
  const normal = await runBatch(gatewayUrl, user, socket, [small], fileCount, 8);
  const line = 'All work and no play makes a slow conversion. '.repeat(9000).replace(/(.{400})/g, '$1\n');
  const form = new FormData();
  form.set('target', 'pdf');
  form.set('file', new Blob([line.repeat(30)]), 'slow.txt');
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/api/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}` },
    body: form,
  });
  const { id } = (await response.json()) as Conversion;
  const slowEnded = socket
    .waitFor(id)
    .then((status) => ({ status, seconds: (performance.now() - started) / 1000 }));
  const during = await runBatch(gatewayUrl, user, socket, [small], fileCount, 8);
  const duringSeconds = (performance.now() - started) / 1000;
  const slow = await slowEnded;
  const result = {
    timeoutMs,
    slowStatus: slow.status,
    slowHeldSeconds: round(slow.seconds, 2),
    perMinuteNormal: round(normal.perMinute),
    perMinuteDuringHang: round(during.perMinute),
    loss: round(1 - during.perMinute / normal.perMinute, 3),
    oneInstanceShare: round(1 / poolSize, 3),
    smallFilesDoneWithinSeconds: round(duringSeconds, 2),
  };
  console.log(
    `hang: slow file ${result.slowStatus} after ${result.slowHeldSeconds} s (timeout ${timeoutMs / 1000} s); small docx ${result.perMinuteNormal}/min → ${result.perMinuteDuringHang}/min during it (loss ${result.loss}, one instance's share ${result.oneInstanceShare})`,
  );
  return result;
}

interface Document {
  name: string;
  path: string;
  bytes: Buffer;
}

/** The three sources, made once by LibreOffice from HTML and a flat ODF spreadsheet. */
async function makeDocuments(dir: string): Promise<Document[]> {
  const paragraph = (index: number) =>
    `<p>Paragraph ${index}: the quick brown fox jumps over the lazy dog, again and again, to fill a line or two of text.</p>`;
  const page = (index: number) =>
    `<h1>Page ${index + 1}</h1>${Array.from({ length: 12 }, (_, p) => paragraph(p)).join('')}`;
  const sources = {
    'small.html': `<html><body>${page(0)}</body></html>`,
    'ten-pages.html': `<html><body>${Array.from({ length: 10 }, (_, index) =>
      index === 0 ? page(index) : `<p style="page-break-before: always"></p>${page(index)}`,
    ).join('')}</body></html>`,
    'five-sheets.fods': fiveSheets(),
  };
  for (const [name, content] of Object.entries(sources)) await writeFile(join(dir, name), content);
  const profile = join(dir, 'make-profile');
  const convert = (source: string, to: string) =>
    run('soffice', [
      `-env:UserInstallation=file://${profile}`,
      '--headless',
      '--convert-to',
      to,
      '--outdir',
      join(dir, 'docs'),
      join(dir, source),
    ]);
  await convert('small.html', 'docx:MS Word 2007 XML');
  await convert('ten-pages.html', 'docx:MS Word 2007 XML');
  await convert('five-sheets.fods', 'xlsx');
  const made = await readdir(join(dir, 'docs'));
  const named: Record<string, string> = {
    'small.docx': '1-page docx',
    'ten-pages.docx': '10-page docx',
    'five-sheets.xlsx': '5-sheet xlsx',
  };
  return Promise.all(
    Object.entries(named).map(async ([file, name]) => {
      if (!made.includes(file)) throw new Error(`LibreOffice did not make ${file} (made ${made.join(', ')})`);
      const path = join(dir, 'docs', file);
      return { name, path, bytes: await readFile(path) };
    }),
  );
}

function fiveSheets(): string {
  const rows = Array.from(
    { length: 40 },
    (_, row) =>
      `<table:table-row>${Array.from({ length: 6 }, (_, col) => `<table:table-cell office:value-type="float" office:value="${row * 6 + col}"><text:p>${row * 6 + col}</text:p></table:table-cell>`).join('')}</table:table-row>`,
  ).join('');
  const sheets = Array.from(
    { length: 5 },
    (_, index) => `<table:table table:name="Sheet${index + 1}">${rows}</table:table>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet>${sheets}</office:spreadsheet></office:body></office:document>`;
}

/** `count` conversions of the documents in turn, `concurrency` in flight, each uploaded → done → downloaded. */
async function runBatch(
  gatewayUrl: string,
  user: TestUser,
  socket: StatusSocket,
  docs: Document[],
  count: number,
  concurrency: number,
) {
  const done: number[] = [];
  const downloaded: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const doc = docs[next % docs.length] as Document;
      next += 1;
      const result = await relayConvert(
        gatewayUrl,
        user,
        socket,
        doc.path.split('/').pop() as string,
        doc.bytes,
      );
      done.push(result.doneSeconds);
      if (result.pdf === undefined) {
        failed += 1;
        continue;
      }
      downloaded.push(result.seconds);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { done, downloaded, failed, perMinute: (60 * count) / seconds };
}

/** convert-worker and every process under it (its LibreOffice instances run in groups of their own). */
function workerRssMiB(cluster: Cluster): number {
  const root = cluster.convertWorker?.pid;
  if (root === undefined) return 0;
  let total = 0;
  for (const pid of descendantsOf(root)) total += rssKiB(pid);
  return total / 1024;
}

function rssKiB(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
