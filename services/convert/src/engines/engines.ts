import { rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SourceFormat, TargetFormat } from '@relay/contracts';
import { ConfigError, type Logger } from '@relay/platform';
import { z } from 'zod';
import { ChromiumPool, type ChromiumPoolStats } from './chromium/pool.ts';
import { createChromiumEngine, renderedMarkdown } from './chromium.engine.ts';
import type { ConversionEngine } from './engine.ts';
import { createHttpEngine } from './http.engine.ts';
import { createImagesEngine, isImageSource } from './images.engine.ts';
import { LibreOfficePool, type PoolStats } from './libreoffice/pool.ts';
import { createLibreOfficeEngine } from './libreoffice.engine.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
/** `NAME=` (empty, as in .env.example) means "not set": the default applies. */
const emptyIsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);
const count = (fallback: number, max: number) =>
  emptyIsUnset(z.coerce.number().int().min(1).max(max).default(fallback));
const milliseconds = (fallback: number) =>
  emptyIsUnset(z.coerce.number().int().min(100).max(3_600_000).default(fallback));

/** The engine variables of convert-worker; spread into its config schema. */
export const enginesEnv = {
  /** Who converts office, text and HTML files: the local LibreOffice pool or a Gotenberg-compatible API. */
  CONVERT_OFFICE_ENGINE: emptyIsUnset(z.enum(['libreoffice', 'http']).default('libreoffice')),
  CONVERT_POOL_SIZE: count(availableParallelism(), 64),
  CONVERT_TIMEOUT_MS: milliseconds(60_000),
  CONVERT_RECYCLE_AFTER: count(200, 1_000_000),
  CONVERT_RECYCLE_RSS_MB: count(1024, 1_048_576),
  CONVERT_IMAGE_MAX_PIXELS: count(50_000_000, 1_000_000_000),
  CONVERT_HTTP_ENGINE_URL: emptyIsUnset(z.url().optional()),
  CONVERT_HTTP_TIMEOUT_MS: milliseconds(60_000),
  CONVERT_HTTP_ATTEMPTS: count(3, 10),
  /** Chromium browsers kept warm for HTML and Markdown to PDF; at most one per core. */
  CONVERT_CHROMIUM_POOL_SIZE: count(1, availableParallelism()),
  /** A browser is replaced after this many jobs. */
  CONVERT_CHROMIUM_RECYCLE_AFTER: count(100, 1_000_000),
  CONVERT_CHROMIUM_BIN: emptyIsUnset(z.string().min(1).default('/usr/bin/chromium')),
  UNOSERVER_BIN: emptyIsUnset(
    z.string().min(1).default(join(REPO_ROOT, '.local/venv/unoserver/bin/unoserver')),
  ),
  /** Instances' profiles and temporary files (one directory per pool, removed when it closes). */
  CONVERT_WORK_DIR: emptyIsUnset(z.string().min(1).default(join(tmpdir(), 'relay-convert'))),
};

export type EnginesConfig = z.infer<z.ZodObject<typeof enginesEnv>>;

interface EnginesStats {
  officeEngine: EnginesConfig['CONVERT_OFFICE_ENGINE'];
  /** LibreOffice instances configured (0 with the http engine). */
  poolSize: number;
  busy: number;
  /** Jobs waiting for an instance. */
  waiting: number;
  /** Resident memory of every instance's processes together. */
  rssBytes: number;
  instances: PoolStats['instances'];
  /** The Chromium pool (absent with the http engine, which prints HTML itself). */
  chromium: ChromiumPoolStats | undefined;
}

/** One engine's readiness, named as /readyz shows it. */
interface EngineCheck {
  name: ConversionEngine['name'];
  check: () => Promise<void>;
}

export interface Engines {
  engineFor(source: SourceFormat, target: TargetFormat): ConversionEngine;
  start(): Promise<void>;
  /** Every engine's check, for a readiness list that names each. */
  readonly checks: readonly EngineCheck[];
  ping(): Promise<void>;
  close(): Promise<void>;
  stats(): Promise<EnginesStats>;
}

export function createEngines(config: EnginesConfig, logger: Logger): Engines {
  const images = createImagesEngine({ maxPixels: config.CONVERT_IMAGE_MAX_PIXELS });
  const pool =
    config.CONVERT_OFFICE_ENGINE === 'libreoffice'
      ? new LibreOfficePool({
          size: config.CONVERT_POOL_SIZE,
          unoserverBin: config.UNOSERVER_BIN,
          workDir: config.CONVERT_WORK_DIR,
          timeoutMs: config.CONVERT_TIMEOUT_MS,
          recycleAfter: config.CONVERT_RECYCLE_AFTER,
          recycleRssBytes: config.CONVERT_RECYCLE_RSS_MB * 1024 * 1024,
          logger: logger.child({ engine: 'libreoffice' }),
        })
      : undefined;
  const office = pool === undefined ? httpEngine(config, logger) : createLibreOfficeEngine(pool);
  // With the http engine the remote service converts HTML and Markdown too, as it did before.
  const chromiumPool =
    pool === undefined
      ? undefined
      : new ChromiumPool({
          size: config.CONVERT_CHROMIUM_POOL_SIZE,
          executablePath: config.CONVERT_CHROMIUM_BIN,
          timeoutMs: config.CONVERT_TIMEOUT_MS,
          recycleAfter: config.CONVERT_CHROMIUM_RECYCLE_AFTER,
          logger: logger.child({ engine: 'chromium' }),
        });
  const chromium = chromiumPool === undefined ? undefined : createChromiumEngine(chromiumPool);
  const markdownToOffice = chromium === undefined ? office : markdownThroughHtml(office);
  const all = [office, ...(chromium === undefined ? [] : [chromium]), images];

  return {
    engineFor(source, target) {
      if (isImageSource(source)) return images;
      if (chromium !== undefined && (source === 'html' || source === 'md') && target === 'pdf')
        return chromium;
      return source === 'md' ? markdownToOffice : office;
    },
    start: async () => {
      await Promise.all(all.map((engine) => engine.start()));
    },
    checks: all.map((engine) => ({ name: engine.name, check: () => engine.ping() })),
    ping: async () => {
      await Promise.all(all.map((engine) => engine.ping()));
    },
    close: async () => {
      await Promise.all(all.map((engine) => engine.close()));
    },
    async stats() {
      const poolStats = await pool?.stats();
      return {
        officeEngine: config.CONVERT_OFFICE_ENGINE,
        poolSize: poolStats?.size ?? 0,
        busy: poolStats?.busy ?? 0,
        waiting: poolStats?.waiting ?? 0,
        rssBytes: poolStats?.instances.reduce((sum, instance) => sum + instance.rssBytes, 0) ?? 0,
        instances: poolStats?.instances ?? [],
        chromium: chromiumPool?.stats(),
      };
    },
  };
}

/**
 * Markdown to docx/odt: LibreOffice 7.4 has no Markdown import and would keep the source text, so it
 * is given the HTML the Markdown renders to (headings, lists, tables, code as such).
 */
function markdownThroughHtml(office: ConversionEngine): ConversionEngine {
  return {
    ...office,
    async convert(request) {
      const htmlPath = await renderedMarkdown(request.inputPath);
      try {
        await office.convert({ ...request, inputPath: htmlPath, sourceFormat: 'html' });
      } finally {
        await rm(htmlPath, { force: true });
      }
    },
  };
}

function httpEngine(config: EnginesConfig, logger: Logger): ConversionEngine {
  if (config.CONVERT_HTTP_ENGINE_URL === undefined) {
    throw new ConfigError(
      ['CONVERT_HTTP_ENGINE_URL'],
      'Invalid configuration:\n  CONVERT_HTTP_ENGINE_URL: required when CONVERT_OFFICE_ENGINE=http',
    );
  }
  return createHttpEngine({
    baseUrl: config.CONVERT_HTTP_ENGINE_URL,
    timeoutMs: config.CONVERT_HTTP_TIMEOUT_MS,
    attempts: config.CONVERT_HTTP_ATTEMPTS,
    logger: logger.child({ engine: 'http' }),
  });
}
