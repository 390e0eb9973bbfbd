/**
 * Web benchmark: Lighthouse (mobile emulation, its default) on each public page of the built SPA,
 * served by `vite preview` on a free port; the median of 3 runs per page. Needs no backend: a visitor
 * who never signed in makes no API call before the page shows. Targets (issue 18): at most 100 KiB of
 * gzipped JavaScript before the page renders, performance >= 98, accessibility and best practices 100,
 * LCP <= 1.5 s. "JS before render" is the build's own budget figure (entry + the page's chunk + their
 * static imports); "before LCP" is what Lighthouse saw requested before the paint, 0 for a page the
 * build prerendered and whose scripts it asks for after that paint.
 *
 *   npm run bench:web -- --runs 3 --name web-lighthouse   (builds the SPA into a folder of its own)
 *   npm run bench:web -- --web /tmp/web-before/web --name web-lighthouse-before   (another checkout)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { freePort, ROOT } from '@relay/testing';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { median, type PageFigures, pageFigures } from './lib/lighthouse-figures.ts';
import { writeReport } from './lib/report.ts';

const { values: args } = parseArgs({
  options: {
    web: { type: 'string', default: join(ROOT, 'web') },
    runs: { type: 'string', default: '3' },
    name: { type: 'string', default: 'web-lighthouse' },
  },
});
const webDir = String(args.web);
const runs = Number(args.runs);
// Without a backend: /activate without a token shows its "get a new link" form (a token would be spent
// at once), /reset-password with a well-formed one shows the new-password form (nothing is sent before submit).
const PAGES = [
  '/login',
  '/signup',
  '/forgot-password',
  '/activate',
  `/reset-password?token=${'x'.repeat(32)}`,
];
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Its own output folder: E2E runs build web/dist for the stack meanwhile.
const outDir = mkdtempSync(join(tmpdir(), 'relay-bench-web-'));
const viteBin = join(ROOT, 'node_modules/vite/bin/vite.js');
const build = spawnSync(process.execPath, [viteBin, 'build', webDir, '--outDir', outDir, '--emptyOutDir'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (build.status !== 0) throw new Error(`the web build failed in ${webDir}`);
/** What the build's budget counts for each public page (JS before the app renders it), when it has one. */
const budgetKiB = new Map(
  [...build.stdout.matchAll(/relay:public-route-budget\] (\S+): ([\d.]+) KiB/g)].map(
    ([, route, kib]) => [route, Number(kib)] as const,
  ),
);

const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const server = spawn(
  process.execPath,
  [viteBin, 'preview', webDir, '--outDir', outDir, '--port', String(port), '--strictPort'],
  {
    stdio: 'ignore',
  },
);
await untilAnswers(`${origin}/login`);
const chrome = await launch({ chromePath: '/usr/bin/chromium', chromeFlags: CHROME_FLAGS }).catch(
  (error: unknown) => {
    server.kill();
    throw error;
  },
);
/** Gzipped size of a file the page loaded, read from the build (the preview server sends it as is). */
const gzippedBytes = (url: string) => gzipSync(readFileSync(join(outDir, new URL(url).pathname))).length;

const results: (PageFigures & { page: string; jsBeforeRenderKiB: number | null; runs: PageFigures[] })[] = [];
try {
  for (const page of PAGES) {
    const samples: PageFigures[] = [];
    for (let run = 0; run < runs; run += 1) {
      const answer = await lighthouse(`${origin}${page}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
      });
      if (answer === undefined) throw new Error(`Lighthouse returned nothing for ${page}`);
      samples.push(pageFigures(answer.lhr, gzippedBytes));
    }
    const pick = (key: keyof PageFigures) => median(samples.map((sample) => sample[key]));
    const route = page.replace(/\?.*/, '');
    results.push({
      page: route,
      jsBeforeRenderKiB: budgetKiB.get(route) ?? null,
      jsBeforeLcpKiB: pick('jsBeforeLcpKiB'),
      jsTotalKiB: pick('jsTotalKiB'),
      performance: pick('performance'),
      accessibility: pick('accessibility'),
      bestPractices: pick('bestPractices'),
      lcpMs: pick('lcpMs'),
      tbtMs: pick('tbtMs'),
      cls: pick('cls'),
      runs: samples,
    });
  }
} finally {
  chrome.kill();
  server.kill();
  rmSync(outDir, { recursive: true, force: true });
}

console.table(
  results.map((result) => ({
    page: result.page,
    'JS gzip KiB before render (build)': result.jsBeforeRenderKiB ?? '–',
    'JS gzip KiB (before LCP / all)': `${result.jsBeforeLcpKiB} / ${result.jsTotalKiB}`,
    performance: result.performance,
    accessibility: result.accessibility,
    'best-practices': result.bestPractices,
    'LCP ms': result.lcpMs,
    'TBT ms': result.tbtMs,
    CLS: result.cls,
  })),
);
const chromium = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim();
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: webDir, encoding: 'utf8' });
const { jsonPath, pngPath } = await writeReport(
  String(args.name),
  {
    commit: commit.stdout.trim(),
    chromium,
    lighthouse: 'mobile emulation, simulated throttling (its defaults)',
    runsPerPage: runs,
    pages: results,
  },
  {
    title: `Lighthouse mobile performance score, median of ${runs} (${commit.stdout.trim()})`,
    unit: '',
    bars: results.map((result) => ({
      label: `${result.page} · LCP ${(result.lcpMs / 1000).toFixed(1)} s`,
      value: result.performance,
    })),
  },
);
console.log(`wrote ${jsonPath} and ${pngPath}`);

async function untilAnswers(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  server.kill();
  throw new Error(`vite preview did not answer at ${url} within 10 s`);
}
