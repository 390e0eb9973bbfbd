import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyWebsocket from '@fastify/websocket';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { createHttpApp, type HttpApp } from '../src/http.ts';
import type { HttpTimeouts } from '../src/http-timeouts.ts';
import { createLogger } from '../src/logger.ts';

// Short deadlines so the test sees each of them pass; the real defaults are 10 s / 30 s / 300 s / 5 s.
const TIMEOUTS: HttpTimeouts = {
  headersMs: 1_000,
  requestMs: 2_000,
  uploadMs: 3_000,
  keepAliveMs: 1_000,
  idleMs: 3_000,
};

let app: HttpApp | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  app = undefined;
});

async function startApp(): Promise<{ port: number }> {
  app = await createHttpApp({
    name: 'timeouts-test',
    version: '1.0.0',
    logger: createLogger({ name: 'timeouts-test', level: 'silent' }),
    readiness: [],
    timeouts: TIMEOUTS,
  });
  app.post('/items', { schema: { body: z.object({ name: z.string() }) } }, async (request) => ({
    name: request.body.name,
  }));
  // Stands in for @fastify/multipart: the handler reads the upload from the raw request.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  app.post('/upload', async (request) => {
    let bytes = 0;
    for await (const chunk of request.raw) bytes += (chunk as Buffer).length;
    return { bytes };
  });
  await app.register(fastifyWebsocket);
  app.get('/ws', { websocket: true }, (socket) => {
    socket.on('message', (data) => socket.send(`echo ${String(data)}`));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port };
}

/** A raw connection that records what the server sends and when it closes. */
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return { socket, closed, received: () => received };
}

/** Writes `text` one byte a second until the socket closes or the text is out. */
async function trickle(socket: Socket, text: string): Promise<void> {
  for (const byte of text) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(byte);
    await sleep(1_000);
  }
}

/** Normal requests on their own connections, one every 200 ms, until `until` settles. */
async function serveMeanwhile(port: number, until: Promise<unknown>): Promise<number[]> {
  const statuses: number[] = [];
  let done = false;
  void until.then(() => {
    done = true;
  });
  while (!done) {
    const response = await fetch(`http://127.0.0.1:${port}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ name: 'quick' }),
    });
    statuses.push(response.status);
    await response.text();
    await sleep(200);
  }
  return statuses;
}

function statusLine(received: string): string {
  return received.split('\r\n')[0] ?? '';
}

function problemOf(received: string): { status: number; code: string } {
  return JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));
}

describe('slow clients', () => {
  it('cuts a JSON body trickled a byte a second with a 408 problem, serving others meanwhile', async () => {
    const { port } = await startApp();
    const body = JSON.stringify({ name: 'x'.repeat(40) });
    const client = rawClient(port);
    const started = Date.now();
    client.socket.write(
      `POST /items HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    void trickle(client.socket, body);
    const others = await serveMeanwhile(port, client.closed);
    const closedAfter = (await client.closed) - started;

    expect(closedAfter).toBeGreaterThanOrEqual(TIMEOUTS.requestMs - 100);
    expect(closedAfter).toBeLessThan(TIMEOUTS.requestMs + 1_500);
    expect(statusLine(client.received())).toBe('HTTP/1.1 408 Request Timeout');
    expect(client.received()).toMatch(/content-type: application\/problem\+json/i);
    expect(client.received()).toMatch(/connection: close/i);
    expect(problemOf(client.received())).toMatchObject({ status: 408, code: 'request_timeout' });
    expect(others.length).toBeGreaterThan(3);
    expect(new Set(others)).toEqual(new Set([200]));
  });

  it('gives an upload the longer upload deadline, then cuts it with a 408 problem', async () => {
    const { port } = await startApp();
    const client = rawClient(port);
    const started = Date.now();
    client.socket.write(
      'POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100\r\n\r\n',
    );
    void trickle(client.socket, 'y'.repeat(100));
    const others = await serveMeanwhile(port, client.closed);
    const closedAfter = (await client.closed) - started;

    expect(closedAfter).toBeGreaterThan(TIMEOUTS.requestMs + 200);
    expect(closedAfter).toBeLessThan(TIMEOUTS.uploadMs + 1_500);
    expect(statusLine(client.received())).toBe('HTTP/1.1 408 Request Timeout');
    expect(problemOf(client.received())).toMatchObject({ status: 408, code: 'request_timeout' });
    expect(new Set(others)).toEqual(new Set([200]));
  });

  it('cuts headers trickled a byte a second with a 408 problem', async () => {
    const { port } = await startApp();
    const client = rawClient(port);
    const started = Date.now();
    void trickle(client.socket, 'GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: abcdefghijklmnop\r\n\r\n');
    const closedAfter = (await client.closed) - started;

    expect(closedAfter).toBeLessThan(TIMEOUTS.headersMs + 1_500);
    expect(statusLine(client.received())).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('closes a keep-alive connection left idle', async () => {
    const { port } = await startApp();
    const client = rawClient(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    const answeredAt = await new Promise<number>((resolve) =>
      client.socket.once('data', () => resolve(Date.now())),
    );
    const idleFor = (await client.closed) - answeredAt;

    expect(statusLine(client.received())).toBe('HTTP/1.1 200 OK');
    expect(idleFor).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveMs - 100);
    // Node keeps the socket keepAliveTimeoutBuffer (1 s) longer than it announces, for racing clients.
    expect(idleFor).toBeLessThan(TIMEOUTS.keepAliveMs + 2_000);
  });

  it('leaves an upgraded WebSocket open past every deadline', async () => {
    const { port } = await startApp();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    let closed = false;
    socket.once('close', () => {
      closed = true;
    });
    // Silent for longer than the header, request, upload, keep-alive and idle deadlines.
    await sleep(Math.max(...Object.values(TIMEOUTS)) + 1_500);
    expect(closed).toBe(false);
    const echo = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send('still here');
    expect(await echo).toBe('echo still here');
    socket.close();
  });
});
