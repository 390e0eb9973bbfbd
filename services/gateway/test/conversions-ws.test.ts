import { randomUUID } from 'node:crypto';
import { ChannelLayer } from '@relay/channel-layer';
import { type ChannelEvent, Groups } from '@relay/contracts';
import { createLogger } from '@relay/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activeUser, type Running, startGateway, testConfig } from './helpers.ts';
import { TestSocket, wsUrl } from './ws-helpers.ts';

let gateway: Running;
let channelLayer: ChannelLayer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  const config = testConfig();
  // convert-api's side of the channel layer: what it group-sends at every transition.
  channelLayer = new ChannelLayer({
    redisUrl: config.REDIS_URL,
    prefix: config.CHANNEL_LAYER_PREFIX,
    logger: createLogger({ name: 'conversions-ws-test', level: 'silent' }),
  });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([gateway?.close(), channelLayer?.close()]);
});

const statusEvent = (ownerId: string, conversionId = randomUUID()) =>
  ({
    type: 'conversion.status',
    status: {
      conversionId,
      ownerId,
      status: 'done',
      downloadPath: `/api/conversions/${conversionId}/download`,
      at: new Date().toISOString(),
    },
  }) satisfies ChannelEvent;

/** Sends to the user's group until a gateway listens there: the socket has joined it. */
async function untilListening(userId: string): Promise<void> {
  const probe = statusEvent(userId, randomUUID());
  await vi.waitFor(
    async () => expect(await channelLayer.groupSend(Groups.user(userId), probe)).toBeGreaterThan(0),
    {
      timeout: 10_000,
      interval: 20,
    },
  );
}

async function connect(userId: string, token: string): Promise<TestSocket> {
  const socket = new TestSocket(wsUrl(gateway.baseUrl), token);
  sockets.push(socket);
  await socket.opened();
  await untilListening(userId);
  return socket;
}

const statusesOf = (socket: TestSocket, ids: readonly string[]) =>
  socket
    .of('conversion.status')
    .map((frame) => frame.status.conversionId)
    .filter((id) => ids.includes(id));

describe('WebSocket /ws: conversion status', () => {
  it("relays a conversion's status to its owner's sockets and to nobody else", async () => {
    const [owner, other] = await Promise.all([activeUser('Owner'), activeUser('Other')]);
    const ownerSocket = await connect(owner.id, owner.accessToken);
    const otherSocket = await connect(other.id, other.accessToken);

    const done = statusEvent(owner.id);
    await channelLayer.groupSend(Groups.user(owner.id), done);
    const frame = await ownerSocket.next(
      'conversion.status',
      (f) => f.status.conversionId === done.status.conversionId,
    );
    expect(frame).toEqual({ type: 'conversion.status', status: done.status });

    // Addressed to the owner's group but about someone else's job: dropped.
    const misaddressed = statusEvent(other.id);
    await channelLayer.groupSend(Groups.user(owner.id), misaddressed);
    // Fences: sent after it on the same Redis channel, so once they arrive, anything before them has.
    const ownerFence = statusEvent(owner.id);
    const otherFence = statusEvent(other.id);
    await channelLayer.groupSend(Groups.user(owner.id), ownerFence);
    await channelLayer.groupSend(Groups.user(other.id), otherFence);
    await ownerSocket.next(
      'conversion.status',
      (f) => f.status.conversionId === ownerFence.status.conversionId,
    );
    await otherSocket.next(
      'conversion.status',
      (f) => f.status.conversionId === otherFence.status.conversionId,
    );

    const sent = [done, misaddressed, ownerFence, otherFence].map((event) => event.status.conversionId);
    expect(statusesOf(ownerSocket, sent)).toEqual([done.status.conversionId, ownerFence.status.conversionId]);
    expect(statusesOf(otherSocket, sent)).toEqual([otherFence.status.conversionId]);
  });

  it("leaves the user's group when the user's last socket closes", async () => {
    const user = await activeUser('Leaver');
    const socket = await connect(user.id, user.accessToken);
    socket.close();
    await socket.closed();
    const probe = statusEvent(user.id);
    await vi.waitFor(async () => expect(await channelLayer.groupSend(Groups.user(user.id), probe)).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
  });
});
