import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@relay/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngines, type Engines, enginesEnv } from '../../src/engines/engines.ts';
import { pdfText, scratchDirectory, silentLogger } from './fixtures.ts';

const run = promisify(execFile);

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let engines: Engines;

beforeAll(async () => {
  scratch = await scratchDirectory();
  engines = createEngines(
    loadConfig(enginesEnv, { CONVERT_POOL_SIZE: '1', CONVERT_WORK_DIR: join(scratch.path, 'work') }),
    silentLogger,
  );
  await engines.start();
});

afterAll(async () => {
  await engines?.close();
  await scratch?.remove();
});

const MARKDOWN = '# Release notes\n\nSome **bold** news.\n\n| Name | Value |\n| --- | --- |\n| alpha | 1 |\n';

async function convert(
  source: 'md' | 'html',
  target: 'pdf' | 'odt' | 'docx',
  content: string,
): Promise<string> {
  const directory = join(scratch.path, `${source}-${target}`);
  await mkdir(directory);
  const inputPath = join(directory, `source.${source}`);
  const outputPath = join(directory, `result.${target}`);
  await writeFile(inputPath, content);
  await engines
    .engineFor(source, target)
    .convert({ inputPath, outputPath, sourceFormat: source, target, options: {} });
  return outputPath;
}

describe('engines: who converts HTML and Markdown', () => {
  it('Chromium prints html and md to PDF; LibreOffice keeps the other targets; one readiness check per engine', async () => {
    expect(engines.engineFor('html', 'pdf').name).toBe('chromium');
    expect(engines.engineFor('md', 'pdf').name).toBe('chromium');
    expect(engines.engineFor('html', 'docx').name).toBe('libreoffice');
    expect(engines.engineFor('md', 'odt').name).toBe('libreoffice');
    expect(engines.engineFor('docx', 'pdf').name).toBe('libreoffice');
    expect(engines.engineFor('png', 'pdf').name).toBe('images');
    expect(engines.checks.map((check) => check.name)).toEqual(['libreoffice', 'chromium', 'images']);
    for (const { check } of engines.checks) await check();
    const stats = await engines.stats();
    expect(stats.chromium).toMatchObject({ size: 1, busy: 0, launches: 1 });
    expect(stats.poolSize).toBe(1);
  });

  it('Markdown to odt: LibreOffice gets the rendered HTML, so headings, bold and tables are real', async () => {
    const odt = await convert('md', 'odt', MARKDOWN);
    const { stdout: content } = await run('unzip', ['-p', odt, 'content.xml']);
    expect(content).toMatch(/<text:h[^>]*>Release notes<\/text:h>/);
    expect(content).toContain('<table:table ');
    expect(content).not.toContain('# Release');
    expect(content).not.toContain('**');
  });

  it('Markdown to PDF through createEngines is rendered', async () => {
    const text = await pdfText(await convert('md', 'pdf', MARKDOWN));
    expect(text).toContain('Release notes');
    expect(text).not.toContain('#');
    expect(text).toMatch(/alpha\s+1/);
  });
});
