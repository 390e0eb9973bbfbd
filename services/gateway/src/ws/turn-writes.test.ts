import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnWrites } from './turn-writes.ts';

describe('TurnWrites', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  /** A connected TCP pair on loopback: what the client writes, the server reads. */
  async function socketPair(): Promise<{ client: Socket; received: () => string }> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address() as { port: number };
    const accepted = once(server, 'connection');
    const client = connect(address.port, '127.0.0.1');
    await once(client, 'connect');
    const [peer] = (await accepted) as [Socket];
    let text = '';
    peer.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    cleanups.push(() => {
      client.destroy();
      peer.destroy();
      server.close();
    });
    return { client, received: () => text };
  }

  it('holds a turn’s writes to one socket and sends them together, in order, at the end of the turn', async () => {
    const { client, received } = await socketPair();
    const turnWrites = new TurnWrites();
    for (const frame of ['a', 'b', 'c']) {
      turnWrites.hold(client);
      client.write(frame);
    }
    // Corked once however many frames: one uncork sends them all.
    expect(client.writableCorked).toBe(1);
    expect(client.writableLength).toBe(3);
    await nextTurn();
    expect(client.writableCorked).toBe(0);
    await expect.poll(received).toBe('abc');
  });

  it('releases every socket held in the turn, and corks again in the next one', async () => {
    const first = await socketPair();
    const second = await socketPair();
    const turnWrites = new TurnWrites();
    turnWrites.hold(first.client);
    turnWrites.hold(second.client);
    first.client.write('1');
    second.client.write('2');
    await nextTurn();
    expect([first.client.writableCorked, second.client.writableCorked]).toEqual([0, 0]);
    turnWrites.hold(first.client);
    expect(first.client.writableCorked).toBe(1);
    first.client.write('3');
    await nextTurn();
    await expect.poll(first.received).toBe('13');
    await expect.poll(second.received).toBe('2');
  });
});
