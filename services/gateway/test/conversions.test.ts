import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { freePort, ROOT, runEntryPoint, startProcess, stopAllProcesses } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUser, call, type Running, startGateway } from './helpers.ts';

/** The test gateway's limit, far below convert-api's own (25 MiB): a 413 here is the gateway's. */
const GATEWAY_MAX_UPLOAD = 1024 * 1024;
const MiB = 1024 * 1024;

let gateway: Running;
/** A gateway whose convert-api is not there: nothing listens on its CONVERT_URL. */
let withoutConvert: Running;

beforeAll(async () => {
  const convertPort = await freePort();
  const convertUrl = `http://127.0.0.1:${convertPort}`;
  gateway = await startGateway({
    CONVERT_URL: convertUrl,
    CONVERT_MAX_UPLOAD_BYTES: String(GATEWAY_MAX_UPLOAD),
  });
  const migrated = await runEntryPoint(join(ROOT, 'services/convert/src/migrate.ts'), env(), 60_000);
  expect(migrated.code, migrated.stderr).toBe(0);
  // convert-api as production runs it, verifying tokens with this gateway's keys. Its jobs go to a
  // queue of their own, so no convert-worker takes them and they stay `queued`.
  await startProcess(join(ROOT, 'services/convert/src/main.ts'), {
    env: {
      CONVERT_PORT: String(convertPort),
      GATEWAY_JWKS_URL: `${gateway.baseUrl}/.well-known/jwks.json`,
      JOBS_PREFIX: 'relay-jobs-gateway-test',
    },
    readyUrl: `${convertUrl}/readyz`,
  });
  withoutConvert = await startGateway({
    CONVERT_URL: `http://127.0.0.1:${await freePort()}`,
    CONVERT_API_TIMEOUT_MS: '1000',
  });
});
afterAll(async () => {
  await stopAllProcesses();
  await Promise.all([gateway?.close(), withoutConvert?.close()]);
});

/** This process's environment (relay.env included), for a child that gets exactly it. */
const env = () =>
  Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

function textFile(name: string, text: string, target = 'pdf'): FormData {
  const form = new FormData();
  form.append('target', target);
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  return form;
}

async function upload(token: string, form: FormData, baseUrl = gateway.baseUrl) {
  const response = await fetch(`${baseUrl}/api/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  const json: any = await response.json();
  return { status: response.status, headers: response.headers, json };
}

const api = (method: string, path: string, token: string, baseUrl = gateway.baseUrl) =>
  call(baseUrl, method, `/api/conversions${path}`, { token });

interface RawAnswer {
  status: number | undefined;
  connection: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  json: any;
  sentBytes: number;
}

const BOUNDARY = 'relay-test-boundary';

/**
 * POSTs an upload with node:http, so the test controls what goes on the wire: `declaredBytes` sends
 * only headers with that Content-Length; otherwise the body is chunked (no length) and written
 * until the gateway answers or `fileBytes` are sent.
 */
function rawUpload(
  token: string,
  body: { declaredBytes: number } | { fileBytes: number },
): Promise<RawAnswer> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
  };
  if ('declaredBytes' in body) headers['content-length'] = String(body.declaredBytes);
  const request = httpRequest(`${gateway.baseUrl}/api/conversions`, {
    method: 'POST',
    headers,
    agent: false,
  });
  let sentBytes = 0;
  const answered = new Promise<RawAnswer>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', async (response) => {
      let text = '';
      for await (const chunk of response) text += chunk;
      request.destroy();
      resolve({
        status: response.statusCode,
        connection: response.headers.connection,
        json: JSON.parse(text),
        sentBytes,
      });
    });
  });
  if ('declaredBytes' in body) {
    request.flushHeaders();
    return answered;
  }
  const write = async () => {
    request.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="target"\r\n\r\npdf\r\n` +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let done = false;
    void answered.finally(() => {
      done = true;
    });
    while (!done && sentBytes < body.fileBytes) {
      sentBytes += chunk.length;
      // Past what the gateway reads, writes stop draining: the answer ends the wait instead.
      if (!request.write(chunk))
        await Promise.race([once(request, 'drain'), answered.catch(() => undefined)]);
    }
    if (!done) request.end(`\r\n--${BOUNDARY}--\r\n`);
  };
  void write();
  return answered;
}

describe('conversions through the gateway', () => {
  it('queues an upload, lists it newest first and pages back', async () => {
    const owner = await activeUser('Owner');
    const first = await upload(owner.accessToken, textFile('first.txt', 'first marker'));
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({
      status: 'queued',
      sourceName: 'first.txt',
      sourceFormat: 'txt',
      target: 'pdf',
      resultName: 'first.pdf',
    });
    const second = await upload(owner.accessToken, textFile('second.txt', 'second marker'));
    expect(second.status).toBe(202);

    const list = await api('GET', '', owner.accessToken);
    expect(list.status).toBe(200);
    expect(list.json.conversions.map((c: { id: string }) => c.id)).toEqual([second.json.id, first.json.id]);

    const newest = await api('GET', '?limit=1', owner.accessToken);
    expect(newest.json.conversions.map((c: { id: string }) => c.id)).toEqual([second.json.id]);
    const older = await api(
      'GET',
      `?limit=1&before=${encodeURIComponent(newest.json.nextCursor)}`,
      owner.accessToken,
    );
    expect(older.json.conversions.map((c: { id: string }) => c.id)).toEqual([first.json.id]);

    const one = await api('GET', `/${first.json.id}`, owner.accessToken);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: first.json.id, sourceName: 'first.txt' });
    // Not converted (no convert-worker takes this queue): nothing to download yet.
    const notReady = await api('GET', `/${first.json.id}/download`, owner.accessToken);
    expect(notReady.status).toBe(409);
    expect(notReady.json.code).toBe('conversion_not_ready');

    for (const { json } of [first, second])
      expect((await api('DELETE', `/${json.id}`, owner.accessToken)).status).toBe(204);
    expect((await api('GET', `/${first.json.id}`, owner.accessToken)).status).toBe(404);
    expect((await api('GET', '', owner.accessToken)).json.conversions).toEqual([]);
  });

  it("gives another user 404 on the owner's job, its download and its delete, and an empty list", async () => {
    const [owner, other] = await Promise.all([activeUser('Owner'), activeUser('Other')]);
    const { json: job } = await upload(owner.accessToken, textFile('private.txt', 'private marker'));
    for (const [method, path] of [
      ['GET', `/${job.id}`],
      ['GET', `/${job.id}/download`],
      ['DELETE', `/${job.id}`],
    ] as const) {
      const refused = await api(method, path, other.accessToken);
      expect(refused.status, `${method} ${path}`).toBe(404);
      expect(refused.json.code).toBe('conversion_not_found');
    }
    expect((await api('GET', '', other.accessToken)).json.conversions).toEqual([]);
    // The refused delete deleted nothing.
    expect((await api('GET', `/${job.id}`, owner.accessToken)).status).toBe(200);
    await api('DELETE', `/${job.id}`, owner.accessToken);
  });

  it('relays convert-api refusals: a missing file part is 400, an unsupported pair 422', async () => {
    const user = await activeUser('Refused');
    const noFile = new FormData();
    noFile.append('target', 'pdf');
    const missing = await upload(user.accessToken, noFile);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');

    const unsupported = await upload(user.accessToken, textFile('notes.txt', 'marker', 'xlsx'));
    expect(unsupported.status).toBe(422);
    expect(unsupported.json.code).toBe('unsupported_conversion');
    expect((await api('GET', '', user.accessToken)).json.conversions).toEqual([]);
  });

  it('needs a token and multipart/form-data', async () => {
    const user = await activeUser('Careless');
    const anonymous = await fetch(`${gateway.baseUrl}/api/conversions`, {
      method: 'POST',
      body: textFile('a.txt', 'x'),
    });
    expect(anonymous.status).toBe(401);
    const json = await call(gateway.baseUrl, 'POST', '/api/conversions', {
      token: user.accessToken,
      body: { target: 'pdf' },
    });
    expect(json.status).toBe(415);
    expect(json.json.code).toBe('unsupported_media_type');
  });

  it('serves the formats without a token', async () => {
    const formats = await call(gateway.baseUrl, 'GET', '/api/conversions/formats');
    expect(formats.status).toBe(200);
    expect(formats.json.formats).toContainEqual({ source: 'txt', targets: ['pdf', 'docx', 'odt'] });
  });
});

describe('upload size', () => {
  it('refuses a body declared too large from its Content-Length, before any of it is sent', async () => {
    const user = await activeUser('Declared');
    const refused = await rawUpload(user.accessToken, { declaredBytes: 30 * MiB });
    expect(refused.status).toBe(413);
    expect(refused.json.code).toBe('upload_too_large');
    expect(refused.connection).toBe('close');
    expect((await api('GET', '', user.accessToken)).json.conversions).toEqual([]);
  });

  it('refuses a chunked body once it grows past the limit, and stores nothing', async () => {
    const user = await activeUser('Streamer');
    const refused = await rawUpload(user.accessToken, { fileBytes: 8 * MiB });
    expect(refused.status).toBe(413);
    expect(refused.json.code).toBe('upload_too_large');
    expect(refused.json.detail).toContain(String(GATEWAY_MAX_UPLOAD));
    expect(refused.sentBytes).toBeLessThan(8 * MiB);
    expect((await api('GET', '', user.accessToken)).json.conversions).toEqual([]);
  });
});

describe('conversions while convert-api is down', () => {
  it('answers 503 with Retry-After', async () => {
    const user = await activeUser('Waiting');
    const list = await api('GET', '', user.accessToken, withoutConvert.baseUrl);
    expect(list.status).toBe(503);
    expect(list.headers.get('retry-after')).toBe('5');
    expect(list.json.code).toBe('conversions_unavailable');
    const uploaded = await upload(user.accessToken, textFile('a.txt', 'x'), withoutConvert.baseUrl);
    expect(uploaded.status).toBe(503);
    expect(uploaded.json.code).toBe('conversions_unavailable');
    expect((await call(withoutConvert.baseUrl, 'GET', '/api/conversions/formats')).status).toBe(503);
  });

  it('documents every conversion route in OpenAPI', async () => {
    const { json: document } = await call(withoutConvert.baseUrl, 'GET', '/docs/json');
    const paths = document.paths;
    expect(
      Object.keys(paths)
        .filter((path) => path.startsWith('/api/conversions'))
        .sort(),
    ).toEqual([
      '/api/conversions',
      '/api/conversions/formats',
      '/api/conversions/{id}',
      '/api/conversions/{id}/download',
      '/api/conversions/{id}/thumbnail',
    ]);
    const post = paths['/api/conversions'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '413', '415', '422', '503']),
    );
    expect(Object.keys(paths['/api/conversions/{id}/download'].get.responses)).toEqual(
      expect.arrayContaining(['302', '404', '409', '503']),
    );
    expect(Object.keys(paths['/api/conversions/{id}'].delete.responses)).toEqual(
      expect.arrayContaining(['204', '404']),
    );
  });
});
