import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from '@playwright/test';
import { activeUser, checkScreen, expect, signIn, test } from './fixtures.ts';

const FORMATS = join(import.meta.dirname, '..', '..', 'services', 'convert', 'test', 'fixtures', 'formats');
/** Real documents (never copied into the repo), beside the checkout or this machine's shared folder. */
const CORPUS = [join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus'), '/work/shared/corpus'].find(
  (dir) => existsSync(dir),
);
/** A real two-page docx (Apache POI's test file), so that pages 1 keeps less than the whole. */
const TWO_PAGE_DOCX = 'poi-PageSpecificHeadFoot.docx';
const run = promisify(execFile);
/** Conversions run in LibreOffice on a small machine: give them time beyond the default expect. */
const CONVERTED_WITHIN_MS = 45_000;

test.setTimeout(120_000);

async function openConversions(page: Page, name: string): Promise<void> {
  await signIn(page, await activeUser(name));
  await page.getByRole('banner').getByRole('link', { name: 'Conversions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Conversions' })).toBeVisible();
}

const jobsOf = (page: Page) => page.getByRole('list', { name: 'Conversions' });
const pickedOf = (page: Page) => page.getByRole('list', { name: 'Files to convert' });
/** Exact: the list of picked files is labelled "Files to convert". */
const filesInput = (page: Page) => page.getByLabel('Files', { exact: true });

/**
 * The WebSockets the page opens from now on: their paths, the most open at once, and the error
 * frames heard (a 5 s access token the refresh missed under load closes one, and the client reconnects).
 */
function webSocketsOf(page: Page) {
  const seen = { paths: [] as string[], open: 0, mostOpen: 0, errors: [] as string[] };
  page.on('websocket', (socket) => {
    seen.paths.push(new URL(socket.url()).pathname);
    seen.open += 1;
    seen.mostOpen = Math.max(seen.mostOpen, seen.open);
    socket.on('close', () => {
      seen.open -= 1;
    });
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"type":"error"')) seen.errors.push(payload);
    });
  });
  return seen;
}

/** How often `text` is shown in `row`: text people see, not labels only screen readers read (1 px boxes). */
async function timesShown(row: Locator, text: string): Promise<number> {
  let shown = 0;
  for (const match of await row.getByText(text).all()) {
    const box = await match.boundingBox();
    if (box !== null && box.width > 1 && box.height > 1) shown += 1;
  }
  return shown;
}

/** Picks the fixtures, keeps the default target (PDF) and waits until every job is Done, live. */
async function convertToPdf(page: Page, files: readonly string[]): Promise<void> {
  await filesInput(page).setInputFiles(files.map((file) => join(FORMATS, file)));
  await page.getByRole('button', { name: 'Convert', exact: true }).click();
  for (const name of files) {
    const job = jobsOf(page).getByRole('listitem', { name });
    await expect(job).toBeVisible();
    await expect(job.getByText('Done', { exact: true })).toBeVisible({ timeout: CONVERTED_WITHIN_MS });
  }
}

test('convert a docx and an xlsx with live status; a password-protected file shows its reason; delete a job', async ({
  page,
}, testInfo) => {
  const webSockets = webSocketsOf(page);
  await openConversions(page, 'Lynn Conway');
  await expect(page.getByText('No conversions yet')).toBeVisible();
  await checkScreen(page, testInfo, 'conversions-empty');

  await test.step('each picked file offers only its own targets', async () => {
    await filesInput(page).setInputFiles([join(FORMATS, 'sample.docx'), join(FORMATS, 'sample.xlsx')]);
    const docxTarget = page.getByLabel('Convert sample.docx to');
    const xlsxTarget = page.getByLabel('Convert sample.xlsx to');
    await expect(docxTarget.getByRole('option')).toHaveText(['PDF', 'ODT']);
    await expect(xlsxTarget.getByRole('option')).toHaveText(['PDF', 'ODS', 'CSV']);
    await expect(docxTarget).toHaveValue('pdf');
    for (const name of ['sample.docx', 'sample.xlsx']) {
      const row = pickedOf(page).getByRole('listitem', { name });
      await expect(row).toBeVisible();
      expect(await timesShown(row, name), `${name} shown once in its row`).toBe(1);
    }
  });

  await test.step('a file Relay cannot convert is marked with why and what to do, and left out', async () => {
    await filesInput(page).setInputFiles({
      name: 'archive.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from('PK\u0003\u0004 not a document'),
    });
    const zip = pickedOf(page).getByRole('listitem', { name: 'archive.zip' });
    await expect(zip.getByRole('alert')).toHaveText(
      /^Relay cannot convert \.zip files\. Save it in a format Relay reads \(DOC, DOCX, .*\), then add it again\.$/,
    );
    await expect(zip).toHaveAccessibleDescription(/^Relay cannot convert \.zip files\./);
    await expect(zip.getByRole('combobox')).toHaveCount(0);
    const convert = page.getByRole('button', { name: 'Convert', exact: true });
    await expect(convert).toBeEnabled();
    await expect(convert).toHaveAccessibleDescription('1 file cannot be converted and is left out.');
    await checkScreen(page, testInfo, 'conversions-picked');
    // Picked again by convertToPdf: cleared first so each file is listed once.
    for (const name of ['sample.docx', 'sample.xlsx'])
      await page.getByRole('button', { name: `Remove ${name}` }).click();
    await expect(convert).toBeDisabled();
    await expect(convert).toHaveAccessibleDescription(
      'This file cannot be converted: remove it, or add others.',
    );
  });

  await test.step('both jobs turn Done live, without a reload; the zip is not sent', async () => {
    await convertToPdf(page, ['sample.docx', 'sample.xlsx']);
    await expect(jobsOf(page).getByRole('button', { name: 'Download sample.pdf' })).toHaveCount(2);
    await expect(jobsOf(page).getByRole('listitem', { name: 'archive.zip' })).toHaveCount(0);
    await expect(pickedOf(page).getByRole('listitem', { name: 'archive.zip' })).toHaveAccessibleDescription(
      /^Relay cannot convert \.zip files\./,
    );
    await page.getByRole('button', { name: 'Remove archive.zip' }).click();
    await expect(pickedOf(page)).toHaveCount(0);
    for (const name of ['sample.docx', 'sample.xlsx'])
      expect(await timesShown(jobsOf(page).getByRole('listitem', { name }), name)).toBe(1);
    // Status came over the app's one socket, the chats' (no second one for conversions): never two at once.
    expect(webSockets.mostOpen, `sockets opened: ${webSockets.paths}; errors: ${webSockets.errors}`).toBe(1);
    expect([...new Set(webSockets.paths)]).toEqual(['/ws']);
  });

  await test.step('each converted document shows its first page', async () => {
    for (const name of ['sample.docx', 'sample.xlsx']) {
      const thumbnail = jobsOf(page)
        .getByRole('listitem', { name })
        .getByRole('img', { name: 'First page of sample.pdf' });
      await expect(thumbnail).toBeVisible();
      await expect
        .poll(() =>
          thumbnail.evaluate((image: HTMLImageElement) => (image.complete ? image.naturalWidth : 0)),
        )
        .toBeGreaterThan(0);
    }
  });
  await checkScreen(page, testInfo, 'conversions');

  await test.step('a password-protected docx fails with a reason a person can read', async () => {
    await filesInput(page).setInputFiles(join(FORMATS, 'encrypted.docx'));
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    const job = jobsOf(page).getByRole('listitem', { name: 'encrypted.docx' });
    await expect(job.getByText('Failed', { exact: true })).toBeVisible({ timeout: CONVERTED_WITHIN_MS });
    await expect(job.getByText(/password-protected/)).toBeVisible();
  });

  await test.step('delete a job after confirming', async () => {
    await jobsOf(page).getByRole('button', { name: 'Delete sample.xlsx' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete sample.xlsx?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(dialog).toBeHidden();
    await expect(jobsOf(page).getByRole('listitem', { name: 'sample.xlsx' })).toHaveCount(0);
    await page.reload();
    await expect(jobsOf(page).getByRole('listitem', { name: 'sample.docx' })).toBeVisible();
    await expect(jobsOf(page).getByRole('listitem', { name: 'sample.xlsx' })).toHaveCount(0);
  });
});

test('the downloaded result of a docx is a PDF', async ({ page }) => {
  await openConversions(page, 'Radia Perlman');
  await convertToPdf(page, ['sample.docx']);
  const downloading = page.waitForEvent('download', { timeout: 15_000 });
  await jobsOf(page).getByRole('button', { name: 'Download sample.pdf' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('sample.pdf');
  const bytes = await readFile(await download.path());
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
});

/** Clicks `row`'s Download and returns the saved file's path. */
async function downloadFrom(page: Page, row: Locator): Promise<string> {
  const downloading = page.waitForEvent('download', { timeout: 15_000 });
  await row.getByRole('button', { name: /^Download / }).click();
  return (await downloading).path();
}

/** The page count poppler reads from a PDF, and its XMP metadata. */
async function pdfFacts(path: string): Promise<{ pages: number; xmp: string }> {
  const info = await run('pdfinfo', [path]);
  const pages = Number(/^Pages:\s+(\d+)$/m.exec(info.stdout)?.[1]);
  return { pages, xmp: (await run('pdfinfo', ['-meta', path])).stdout };
}

const converted = (row: Locator) =>
  expect(row.getByText('Done', { exact: true })).toBeVisible({ timeout: CONVERTED_WITHIN_MS });

test('a docx converted with pages 1 and PDF/A-2b downloads as a one-page PDF/A', async ({
  page,
}, testInfo) => {
  if (CORPUS === undefined)
    throw new Error('the corpus (../shared/corpus or /work/shared/corpus) is missing');
  const docx = join(CORPUS, TWO_PAGE_DOCX);
  await openConversions(page, 'Frances Allen');

  await test.step('the whole document, for comparison', async () => {
    await filesInput(page).setInputFiles(docx);
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    const job = jobsOf(page).getByRole('listitem', { name: TWO_PAGE_DOCX });
    await converted(job);
    const whole = await pdfFacts(await downloadFrom(page, job));
    expect(whole.pages, 'the whole document has more than the page kept below').toBeGreaterThan(1);
    expect(whole.xmp).not.toContain('pdfaid:part');
  });

  await test.step('options: pages 1, PDF/A-2b', async () => {
    await filesInput(page).setInputFiles(docx);
    const row = pickedOf(page).getByRole('listitem', { name: TWO_PAGE_DOCX });
    await row.locator('summary').click();
    await row.getByLabel('Pages', { exact: true }).fill('1');
    await row.getByLabel('PDF/A (for archiving)', { exact: true }).selectOption('2b');
    await expect(row.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
    await checkScreen(page, testInfo, 'conversions-options');
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `nothing wider than the ${width} px window`).toBeLessThanOrEqual(0);
      await page
        .locator('form.upload-form')
        .screenshot({ path: testInfo.outputPath(`upload-options-${width}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
  });

  await test.step('the result has one page and says it is PDF/A-2b', async () => {
    const job = jobsOf(page).getByRole('listitem', { name: TWO_PAGE_DOCX }).first();
    await expect(job.getByText('PDF/A-2b · pages 1', { exact: true })).toBeVisible();
    await converted(job);
    const result = await pdfFacts(await downloadFrom(page, job));
    expect(result.pages).toBe(1);
    expect(result.xmp).toMatch(/<pdfaid:part>2<\/pdfaid:part>|pdfaid:part="2"/);
    expect(result.xmp).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>|pdfaid:conformance="B"/);
  });
});

test('two files combined into one PDF, in the order set, have all their pages', async ({
  page,
}, testInfo) => {
  await openConversions(page, 'Barbara Liskov');
  const pagesOf: Record<string, number> = {};

  await test.step('each on its own, for their page counts', async () => {
    await convertToPdf(page, ['sample.docx', 'sample.xlsx']);
    for (const name of ['sample.docx', 'sample.xlsx'])
      pagesOf[name] = (
        await pdfFacts(await downloadFrom(page, jobsOf(page).getByRole('listitem', { name })))
      ).pages;
  });

  await test.step('combined, the spreadsheet moved first with the keyboard', async () => {
    await filesInput(page).setInputFiles([join(FORMATS, 'sample.docx'), join(FORMATS, 'sample.xlsx')]);
    const combine = page.getByLabel('Combine into one PDF');
    await expect(combine).toHaveAccessibleDescription('Join the 2 files into one PDF, in the order listed.');
    await combine.check();
    // Each file's own options give way to the combined PDF's.
    await expect(pickedOf(page).locator('summary')).toHaveCount(0);
    const up = page.getByRole('button', { name: 'Move sample.xlsx up' });
    await up.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        pickedOf(page)
          .locator(':scope > li')
          .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label'))),
      )
      .toEqual(['sample.xlsx', 'sample.docx']);
    await expect(page.getByRole('button', { name: 'Move sample.xlsx down' })).toBeFocused();
    await checkScreen(page, testInfo, 'conversions-combine');
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
  });

  await test.step('one job, its sources in that order, its pages the sum', async () => {
    await expect(pickedOf(page)).toHaveCount(0);
    const job = jobsOf(page).getByRole('listitem', { name: 'sample.xlsx' }).first();
    await expect(job.getByText('2 files combined', { exact: true })).toBeVisible();
    await expect(job.getByRole('list', { name: 'Combined from' }).getByRole('listitem')).toHaveText([
      'sample.xlsx',
      'sample.docx',
    ]);
    await converted(job);
    await checkScreen(page, testInfo, 'conversions-combined-job');
    const combined = await pdfFacts(await downloadFrom(page, job));
    expect(combined.pages).toBe((pagesOf['sample.docx'] ?? 0) + (pagesOf['sample.xlsx'] ?? 0));
  });
});
