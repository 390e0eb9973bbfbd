import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type Conversion,
  type ConversionStatusChanged,
  type ServerFrame,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
} from '@relay/contracts';
import { SHUTDOWN_TIMEOUT_MS } from '@relay/platform';
import { Cluster, ROOT, type ServiceProcess, stopGracefully, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const run = promisify(execFile);
const FIXTURES = join(ROOT, 'services/convert/test/fixtures/formats');

let cluster: Cluster;
let alice: TestUser;
let mallory: TestUser;
let scratch: string;

beforeAll(async () => {
  cluster = await Cluster.start({
    gateways: 1,
    convert: true,
    // A dead worker's job is handed on after 3 s instead of 30.
    // Info logs: a SIGTERM test reads 'shut down cleanly' from them.
    env: { CONVERT_JOB_LOCK_MS: '3000', CONVERT_POOL_SIZE: '2', LOG_LEVEL: 'info' },
  });
  [alice, mallory] = await Promise.all([cluster.user('Alice'), cluster.user('Mallory')]);
  scratch = await mkdtemp(join(tmpdir(), 'relay-conversion-'));
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const gateway = () => cluster.gatewayUrls[0] as string;

/** The user's WebSocket, recording every conversion.status frame it receives. */
async function statusSocket(user: TestUser) {
  const socket = new WebSocket(`${gateway().replace(/^http/, 'ws')}/ws`, [
    WS_PROTOCOL,
    `${WS_TOKEN_PROTOCOL_PREFIX}${user.accessToken}`,
  ]);
  const statuses: ConversionStatusChanged[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type === 'conversion.status') statuses.push(frame.status);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    statuses,
    of: (id: string) =>
      statuses.filter((status) => status.conversionId === id).map((status) => status.status),
    close: () => socket.close(),
  };
}

async function upload(user: TestUser, file: Buffer, name: string, target = 'pdf'): Promise<Conversion> {
  const form = new FormData();
  form.set('target', target);
  form.set('file', new Blob([new Uint8Array(file)]), name);
  const response = await fetch(`${gateway()}/api/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}` },
    body: form,
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as Conversion;
}

async function job(user: TestUser, id: string): Promise<Conversion> {
  const response = await fetch(`${gateway()}/api/conversions/${id}`, {
    headers: { authorization: `Bearer ${user.accessToken}` },
  });
  return (await response.json()) as Conversion;
}

describe('a conversion through the gateway', () => {
  it('is seen live by its owner only (queued → converting → done) and downloads as a PDF with its text', async () => {
    const [owner, other] = await Promise.all([statusSocket(alice), statusSocket(mallory)]);
    try {
      const source = await readFile(join(FIXTURES, 'sample.docx'));
      const { id } = await upload(alice, source, 'Report.docx');
      await expect.poll(() => owner.of(id), { timeout: 60_000 }).toEqual(['queued', 'converting', 'done']);
      // Fence: a job of Mallory's own reaches Mallory's socket; Alice's never did.
      const fence = await upload(mallory, Buffer.from('fence\n'), 'fence.txt');
      await expect.poll(() => other.of(fence.id), { timeout: 60_000 }).toContain('done');
      expect(other.of(id)).toEqual([]);

      const redirect = await fetch(`${gateway()}/api/conversions/${id}/download`, {
        headers: { authorization: `Bearer ${alice.accessToken}` },
        redirect: 'manual',
      });
      expect(redirect.status).toBe(302);
      const pdf = await fetch(redirect.headers.get('location') as string);
      expect(pdf.headers.get('content-disposition')).toContain('Report.pdf');
      const path = join(scratch, 'report.pdf');
      await writeFile(path, Buffer.from(await pdf.arrayBuffer()));
      expect((await run('pdftotext', [path, '-'])).stdout).toContain('RELAY-FIXTURE');

      // A page cannot read a cross-origin redirect: with Accept: application/json the link comes as JSON.
      const asJson = await fetch(`${gateway()}/api/conversions/${id}/download`, {
        headers: { authorization: `Bearer ${alice.accessToken}`, accept: 'application/json' },
      });
      expect(asJson.status).toBe(200);
      const { url } = (await asJson.json()) as { url: string };
      expect(
        Buffer.from(await (await fetch(url)).arrayBuffer())
          .subarray(0, 4)
          .toString('latin1'),
      ).toBe('%PDF');

      for (const [method, suffix] of [
        ['GET', ''],
        ['GET', '/download'],
        ['DELETE', ''],
      ] as const) {
        const response = await fetch(`${gateway()}/api/conversions/${id}${suffix}`, {
          method,
          headers: { authorization: `Bearer ${mallory.accessToken}` },
          redirect: 'manual',
        });
        expect(response.status, `${method} ${suffix}`).toBe(404);
      }
    } finally {
      owner.close();
      other.close();
    }
  }, 120_000);
});

describe('faults', () => {
  it('kill -9 of convert-worker mid-job: the job is handed on and ends done, never stuck in converting', async () => {
    const owner = await statusSocket(alice);
    try {
      // A text long enough to take LibreOffice seconds to lay out: it is surely mid-conversion when the worker dies.
      const line = 'All work and no play makes a slow conversion. '.repeat(9000).replace(/(.{400})/g, '$1\n');
      const slow = await upload(alice, Buffer.from(line.repeat(3)), 'long.txt');
      const source = await readFile(join(FIXTURES, 'sample.docx'));
      const rest = await Promise.all(
        Array.from({ length: 10 }, (_, index) => upload(alice, source, `k${index}.docx`)),
      );
      await expect.poll(() => owner.of(slow.id), { timeout: 60_000, interval: 5 }).toContain('converting');
      await cluster.convertWorker?.kill('SIGKILL');
      expect(owner.of(slow.id)).toEqual(['queued', 'converting']);
      await cluster.startConvertWorker();
      for (const { id } of [slow, ...rest]) {
        await expect.poll(async () => (await job(alice, id)).status, { timeout: 120_000 }).toBe('done');
      }
      // Handed on and converted again, not lost or left converting.
      await expect.poll(() => owner.of(slow.id)).toEqual(['queued', 'converting', 'converting', 'done']);
    } finally {
      owner.close();
    }
  }, 240_000);

  it('a restart of convert-api with jobs queued: every job finishes', async () => {
    // No worker while the jobs are queued and convert-api is killed: they wait in Redis, not in it.
    await cluster.convertWorker?.stop();
    const source = await readFile(join(FIXTURES, 'sample.docx'));
    const ids = [];
    for (let index = 0; index < 6; index += 1) ids.push((await upload(alice, source, `r${index}.docx`)).id);
    for (const id of ids) expect((await job(alice, id)).status).toBe('queued');
    await cluster.restartConvertApi('SIGKILL');
    await cluster.startConvertWorker();
    for (const id of ids) {
      await expect.poll(async () => (await job(alice, id)).status, { timeout: 90_000 }).toBe('done');
    }
  }, 240_000);

  it('SIGTERM of convert-worker mid-job: it finishes or hands back its jobs and exits by itself; every job ends done', async () => {
    const owner = await statusSocket(alice);
    try {
      const line = 'All work and no play makes a slow conversion. '.repeat(9000).replace(/(.{400})/g, '$1\n');
      const slow = await upload(alice, Buffer.from(line.repeat(3)), 'long-term.txt');
      const source = await readFile(join(FIXTURES, 'sample.docx'));
      const rest = await Promise.all(
        Array.from({ length: 6 }, (_, index) => upload(alice, source, `t${index}.docx`)),
      );
      await expect.poll(() => owner.of(slow.id), { timeout: 60_000, interval: 5 }).toContain('converting');
      await stopGracefully(cluster.convertWorker as ServiceProcess, SHUTDOWN_TIMEOUT_MS);
      await cluster.startConvertWorker();
      for (const { id } of [slow, ...rest]) {
        await expect.poll(async () => (await job(alice, id)).status, { timeout: 120_000 }).toBe('done');
      }
      // Done by the stopping worker, or handed back and converted again: never failed, never left converting.
      await expect
        .poll(() => owner.of(slow.id))
        .toSatisfy((statuses: string[]) =>
          ['queued,converting,done', 'queued,converting,converting,done'].includes(statuses.join(',')),
        );
    } finally {
      owner.close();
    }
  }, 240_000);

  it('SIGTERM of convert-api with uploads still arriving: each is answered 202 before it exits, and converted', async () => {
    const source = await readFile(join(FIXTURES, 'sample.docx'));
    // Bodies trickled over ~1.5 s through the gateway: they are in flight when the signal comes.
    const uploads = Array.from({ length: 3 }, (_, index) => trickledUpload(alice, source, `s${index}.docx`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stopping = stopGracefully(cluster.convertApi as ServiceProcess, SHUTDOWN_TIMEOUT_MS);
    const answers = await Promise.all(uploads);
    await stopping;
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    await cluster.restartConvertApi();
    for (const answer of answers) {
      const { id } = (await answer.json()) as Conversion;
      await expect.poll(async () => (await job(alice, id)).status, { timeout: 90_000 }).toBe('done');
    }
  }, 240_000);
});

/** A conversion upload whose multipart body arrives in ten pieces, 150 ms apart. */
async function trickledUpload(user: TestUser, file: Buffer, name: string): Promise<Response> {
  const boundary = `relay-${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="target"\r\n\r\npdf\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const pieces = 10;
  const size = Math.ceil(body.length / pieces);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= pieces) return controller.close();
      if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 150));
      controller.enqueue(new Uint8Array(body.subarray(sent * size, (sent + 1) * size)));
      sent += 1;
    },
  });
  return fetch(`${gateway()}/api/conversions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.accessToken}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body: stream,
    duplex: 'half',
  } as RequestInit);
}
