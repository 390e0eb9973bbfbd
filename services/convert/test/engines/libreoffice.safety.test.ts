import { once } from 'node:events';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SourceFormat } from '@relay/contracts';
import { loadConfig } from '@relay/platform';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngines, type Engines, enginesEnv } from '../../src/engines/engines.ts';
import { PASSWORD_NEEDED } from '../../src/engines/libreoffice/encryption.ts';
import { isAlive } from '../../src/engines/libreoffice/processes.ts';
import { RetryableReason } from '../../src/engines/reasons.ts';
import {
  docxPackage,
  externalImageRelationship,
  failure,
  flatSpreadsheet,
  flatText,
  linkedImageParagraph,
  newMarker,
  odtPackage,
  pdfImageCount,
  pdfText,
  savePasswordProtected,
  scratchDirectory,
  silentLogger,
  wordParagraph,
} from './fixtures.ts';

const marker = newMarker();
const TIMEOUT_MS = 5000;
/** Secrets a worker really holds; none may reach soffice's environment. */
const PLANTED = {
  S3_SECRET_ACCESS_KEY: `planted-s3-${marker}`,
  CONVERT_DATABASE_URL: `postgres://planted:${marker}@127.0.0.1/relay_convert`,
  RELAY_PLANTED_SECRET: `planted-other-${marker}`,
};
/** What the pool passes, plus what LibreOffice's own start script sets (PWD, OLDPWD, URE_BOOTSTRAP, SAL_*). */
const ALLOWED_VARIABLES = [
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'LC_ALL',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'PWD',
  'OLDPWD',
  'URE_BOOTSTRAP',
];

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let engines: Engines;
let canary: Server;
let canaryUrl: string;
/** Every TCP connection the canary listener accepted, whatever was (or was not) sent on it. */
let canaryConnections = 0;
const savedEnvironment = { ...process.env };
const unoserverBin = loadConfig(enginesEnv, {}).UNOSERVER_BIN;

beforeAll(async () => {
  scratch = await scratchDirectory();
  canary = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'image/png' }).end(),
  );
  canary.on('connection', () => {
    canaryConnections += 1;
  });
  canary.listen(0, '127.0.0.1');
  await once(canary, 'listening');
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
  Object.assign(process.env, PLANTED);
  engines = createEngines(
    loadConfig(enginesEnv, {
      CONVERT_POOL_SIZE: '2',
      CONVERT_TIMEOUT_MS: String(TIMEOUT_MS),
      CONVERT_WORK_DIR: join(scratch.path, 'work'),
    }),
    silentLogger,
  );
  await engines.start();
}, 60_000);

afterAll(async () => {
  await engines?.close();
  process.env = savedEnvironment;
  canary?.closeAllConnections();
  canary?.close();
  await scratch?.remove();
});

let fileNumber = 0;
async function write(content: string | Buffer): Promise<string> {
  fileNumber += 1;
  // A directory per input, as each job has: an HTML page may load files beside it, never the secrets here.
  const directory = join(scratch.path, `job-${fileNumber}`);
  await mkdir(directory);
  const path = join(directory, 'input');
  await writeFile(path, content);
  return path;
}

async function toPdf(sourceFormat: SourceFormat, inputPath: string): Promise<string> {
  const outputPath = `${inputPath}.pdf`;
  await engines
    .engineFor(sourceFormat, 'pdf')
    .convert({ inputPath, sourceFormat, target: 'pdf', options: {}, outputPath });
  return outputPath;
}

const odtText = (body: string) => `<office:body><office:text>${body}</office:text></office:body>`;

describe('documents fetch nothing', () => {
  it('a docx whose image is linked to a listener makes zero connections to it', async () => {
    const docx = docxPackage(
      `${wordParagraph(marker)}${linkedImageParagraph('rIdLinked')}`,
      externalImageRelationship('rIdLinked', `${canaryUrl}/x.png`),
    );
    const pdf = await toPdf('docx', await write(docx));
    expect(await pdfText(pdf)).toContain(marker);
    expect(canaryConnections).toBe(0);
  });

  it('an odt with a linked image and an HTML page with remote images and styles make zero connections', async () => {
    const odt = odtPackage(
      odtText(
        `<text:p>${marker}<draw:frame draw:name="x" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm"><draw:image xlink:href="${canaryUrl}/y.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>`,
      ),
    );
    const html = `<!doctype html><html><head><link rel="stylesheet" href="${canaryUrl}/s.css"></head><body><p>${marker}</p><img src="${canaryUrl}/z.png"><iframe src="${canaryUrl}/f.html"></iframe></body></html>`;
    expect(await pdfText(await toPdf('odt', await write(odt)))).toContain(marker);
    expect(await pdfText(await toPdf('html', await write(html)))).toContain(marker);
    expect(canaryConnections).toBe(0);
  });

  it('file: links embed nothing: no linked text section, no linked image', async () => {
    const secretText = join(scratch.path, 'secret.txt');
    const secretImage = join(scratch.path, 'secret.png');
    await writeFile(secretText, `SECRET${marker}\n`);
    await sharp({ create: { width: 40, height: 40, channels: 3, background: '#ff0000' } })
      .png()
      .toFile(secretImage);
    const odt = odtPackage(
      odtText(
        `<text:p>${marker}</text:p><text:section text:name="Linked"><text:section-source xlink:href="file://${secretText}" xlink:type="simple" text:filter-name="Text (encoded)"/><text:p>cached</text:p></text:section><text:p><draw:frame draw:name="i" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm"><draw:image xlink:href="file://${secretImage}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>`,
      ),
    );
    const docx = docxPackage(
      `${wordParagraph(marker)}${linkedImageParagraph('rIdFile')}`,
      externalImageRelationship('rIdFile', `file://${secretImage}`),
    );
    const html = `<html><body><p>${marker}</p><img src="file://${secretImage}"></body></html>`;
    for (const [format, content] of [
      ['odt', odt],
      ['docx', docx],
      ['html', html],
    ] as const) {
      const pdf = await toPdf(format, await write(content));
      const text = await pdfText(pdf);
      expect(text).toContain(marker);
      expect(text).not.toContain(`SECRET${marker}`);
      expect(await pdfImageCount(pdf), `${format} embedded the linked image`).toBe(0);
    }
  });
});

describe('macros never run', () => {
  // The same file run by a visible soffice that allows macros writes the proof file (checked by hand on
  // LibreOffice 7.4): the fixture is a live macro, not an inert one.
  it('an odt whose Basic macro is bound to "document opened" converts and the macro never runs', async () => {
    const proof = join(scratch.path, 'macro-ran');
    const macro = `Sub Run\n  Open "${proof}" For Output As #1\n  Print #1, "ran"\n  Close #1\nEnd Sub\n`;
    const odt = odtPackage(
      `<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Run?language=Basic&amp;location=document" xlink:type="simple"/></office:event-listeners></office:scripts>${odtText(`<text:p>${marker}</text:p>`)}`,
      {
        'Basic/script-lc.xml':
          '<?xml version="1.0" encoding="UTF-8"?><library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" library:link="false"/></library:libraries>',
        'Basic/Standard/script-lb.xml':
          '<?xml version="1.0" encoding="UTF-8"?><library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false"><library:element library:name="Module1"/></library:library>',
        'Basic/Standard/Module1.xml': `<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic" script:moduleType="normal">${macro.replace(/"/g, '&quot;')}</script:module>`,
      },
    );
    const pdf = await toPdf('odt', await write(odt));
    expect(await pdfText(pdf)).toContain(marker);
    await expect(access(proof)).rejects.toThrow(/ENOENT/);
  });
});

describe('soffice never sees the worker environment', () => {
  it('every unoserver and soffice process of the pool holds none of the planted secrets', async () => {
    const { instances } = await engines.stats();
    const processes = instances.flatMap((instance) => instance.processes);
    expect(processes.map((process) => process.command)).toEqual(
      expect.arrayContaining(['soffice.bin', 'soffice.bin', 'oosplash']),
    );
    for (const { pid } of processes) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      for (const secret of Object.values(PLANTED)) expect(environ).not.toContain(secret);
      const names = environ
        .split('\0')
        .filter(Boolean)
        .map((entry) => entry.slice(0, entry.indexOf('=')));
      expect(names.filter((name) => !ALLOWED_VARIABLES.includes(name) && !name.startsWith('SAL_'))).toEqual(
        [],
      );
    }
  });
});

describe('password-protected and damaged files fail fast with a reason', () => {
  it('says a password-protected odt, doc or xls needs its password removed', async () => {
    const text = join(scratch.path, 'locked.fodt');
    const sheet = join(scratch.path, 'locked.fods');
    await writeFile(text, flatText('locked', 1));
    await writeFile(sheet, flatSpreadsheet('locked', 1));
    const [instance] = (await engines.stats()).instances;
    for (const [format, source, filter] of [
      ['odt', text, 'writer8'],
      ['doc', text, 'MS Word 97'],
      ['xls', sheet, 'MS Excel 97'],
    ] as const) {
      const target = join(scratch.path, `locked.${format}`);
      await savePasswordProtected({ unoserverBin, unoserverPid: instance?.pid ?? 0, source, target, filter });
      const error = await failure(toPdf(format, target));
      expect(error.reason).toBe(PASSWORD_NEEDED);
      expect(error.retryable).toBe(false);
    }
  });

  it('says a damaged docx, a truncated odt and garbage named xlsx could not be opened', async () => {
    const docx = docxPackage(wordParagraph(marker));
    const cases: Array<[SourceFormat, Buffer | string, string]> = [
      ['docx', docx.subarray(0, docx.length - 200), 'a Word document'],
      ['odt', odtPackage(odtText('<text:p>x</text:p>')).subarray(0, 300), 'an OpenDocument text'],
      ['xlsx', 'definitely not a spreadsheet '.repeat(50), 'an Excel workbook'],
    ];
    for (const [format, content, label] of cases) {
      const error = await failure(toPdf(format, await write(content)));
      expect(error.reason).toBe(`The file could not be opened as ${label}: it may be damaged or incomplete.`);
      expect(error.retryable).toBe(false);
    }
  });
});

describe('a hung or crashed instance', () => {
  /** Several megabytes of plain text: thousands of pages to lay out, far longer than the test's timeout. */
  const slowText = () =>
    write(
      'All work and no play makes a slow conversion. '
        .repeat(9000)
        .replace(/(.{400})/g, '$1\n')
        .repeat(30),
    );
  const small = async () => toPdf('docx', await write(docxPackage(wordParagraph(marker))));
  const readyInstances = async () =>
    (await engines.stats()).instances.filter((one) => one.state === 'idle').length;

  it('one conversion past the timeout is stopped while the other instance keeps converting; the pool heals', async () => {
    const slow = failure(toPdf('txt', await slowText()));
    // The hung conversion holds one instance; these all go through the other meanwhile.
    for (let count = 0; count < 3; count++) expect(await pdfText(await small())).toContain(marker);
    const before = (await engines.stats()).instances.find((instance) => instance.state === 'busy');
    // Past two seconds it runs at the lowest CPU priority, every thread of its group, so it cannot starve the rest.
    const niceOfThreads = async (pid: number) =>
      Promise.all(
        (await readdir(`/proc/${pid}/task`)).map(async (thread) =>
          Number((await readFile(`/proc/${pid}/task/${thread}/stat`, 'utf8')).split(') ')[1]?.split(' ')[16]),
        ),
      );
    const soffice = before?.processes.find((one) => one.command === 'soffice.bin');
    expect(soffice).toBeDefined();
    await expect
      .poll(async () => [...new Set(await niceOfThreads(soffice?.pid ?? 0))], {
        timeout: 4000,
        interval: 100,
      })
      .toEqual([19]);
    const error = await slow;
    expect(error.reason).toBe(`The conversion took longer than ${TIMEOUT_MS / 1000} s and was stopped.`);
    expect(error.retryable).toBe(false);
    // Its whole process group is gone, and a fresh instance takes its place.
    for (const { pid } of before?.processes ?? []) expect(isAlive(pid), `pid ${pid} survived`).toBe(false);
    await expect.poll(readyInstances, { timeout: 30_000, interval: 250 }).toBe(2);
    const texts = await Promise.all([small(), small()].map(async (pdf) => pdfText(await pdf)));
    for (const text of texts) expect(text).toContain(marker);
  }, 60_000);

  it('a soffice killed from outside mid-conversion (not its own abort) fails the job as retryable and is replaced', async () => {
    const slow = failure(toPdf('txt', await slowText()));
    const busy = async () => (await engines.stats()).instances.find((instance) => instance.state === 'busy');
    await expect
      .poll(async () => (await busy())?.processes.length ?? 0, { timeout: 5000 })
      .toBeGreaterThan(0);
    const soffice = (await busy())?.processes.find((process) => process.command === 'soffice.bin');
    expect(soffice).toBeDefined();
    process.kill(soffice?.pid ?? 0, 'SIGKILL');
    const error = await slow;
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe(RetryableReason.engineStopped);
    await expect.poll(readyInstances, { timeout: 30_000, interval: 250 }).toBe(2);
    expect(await pdfText(await small())).toContain(marker);
  }, 60_000);
});
