import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import fastifyWebsocket, { type WebSocket } from '@fastify/websocket';
import { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, WsCloseCode } from '@relay/contracts';
import { bearerToken, type HttpApp } from '@relay/platform';
import type { FastifyRequest } from 'fastify';
import { ClientConnection, type ConnectionDeps } from './client-connection.ts';
import { TurnWrites } from './turn-writes.ts';
import { subprotocolRequired, tokenMissing } from './ws.errors.ts';

export interface WsOptions {
  heartbeatMs: number;
}

/** Frames far beyond the protocol's limit are not read at all: the socket closes with 1009. */
const HARD_MAX_PAYLOAD = 64 * 1024;

function offeredProtocols(request: FastifyRequest): string[] {
  return String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim());
}

/** The access token: `Authorization: Bearer …` (non-browser clients) or the `relay.token.…` subprotocol. */
function tokenOf(request: FastifyRequest): string | undefined {
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader !== undefined) return fromHeader;
  const carrier = offeredProtocols(request).find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  return carrier?.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
}

function requireProtocol(request: FastifyRequest): void {
  if (!offeredProtocols(request).includes(WS_PROTOCOL)) throw subprotocolRequired();
}

/**
 * An upgraded socket keeps nothing of its HTTP request: @fastify/websocket leaves the request's
 * response assigned to the TCP socket and the request and reply in the socket's error listener,
 * 4–5 KiB per idle connection in all (measured with 10,000 sockets). ClientConnection listens
 * for errors itself.
 */
function releaseUpgradeRequest(socket: WebSocket, tcp: Socket, response: ServerResponse): void {
  socket.removeAllListeners('error');
  response.detachSocket(tcp);
}

/** `/ws`: authenticated before the upgrade, so a bad token is a plain 401 problem, not a socket. */
export async function registerWsRoutes(
  app: HttpApp,
  deps: ConnectionDeps,
  options: WsOptions,
): Promise<void> {
  const connections = new Set<ClientConnection>();
  const turnWrites = new TurnWrites();
  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: HARD_MAX_PAYLOAD,
      handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
    },
    // Going away (1001) tells clients to reconnect, to another gateway if there is one.
    preClose: (done) => {
      for (const connection of connections) connection.close(WsCloseCode.goingAway, 'server shutting down');
      done();
    },
  });

  const upgrades = new WeakMap<
    FastifyRequest,
    { claims: Awaited<ReturnType<typeof deps.verify>>; token: string; response: ServerResponse }
  >();

  app.get(
    '/ws',
    {
      websocket: true,
      schema: {
        tags: ['chats'],
        description: `WebSocket, subprotocol "${WS_PROTOCOL}"; see packages/contracts/src/ws.ts.`,
      },
      preValidation: async (request, reply) => {
        requireProtocol(request);
        const token = tokenOf(request);
        if (token === undefined) {
          throw tokenMissing();
        }
        upgrades.set(request, { claims: await deps.verify(token), token, response: reply.raw });
      },
    },
    (socket, request) => {
      const auth = upgrades.get(request);
      upgrades.delete(request);
      if (auth === undefined) return socket.close(WsCloseCode.forbidden, 'unauthenticated');
      releaseUpgradeRequest(socket, request.raw.socket, auth.response);
      // The upgraded request's TCP socket is the one ws writes frames to.
      const output = { tcp: request.raw.socket, turnWrites };
      const connection = new ClientConnection(socket, output, auth.claims, auth.token, deps);
      connections.add(connection);
      socket.on('close', () => connections.delete(connection));
    },
  );

  // Server pings find dead peers (a laptop lid closed) that TCP alone would keep for minutes; the
  // same beat ends sockets whose session was revoked since they connected.
  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.alive = false;
      connection.ping();
      void connection.recheckToken();
    }
  }, options.heartbeatMs);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));
}
