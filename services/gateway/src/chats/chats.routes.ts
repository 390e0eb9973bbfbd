import {
  AddMembersBody,
  ChatList,
  ChatWithInvites,
  CreateChatBody,
  MessagePage,
  MessagePageQuery,
  ReadPositionList,
  UNKNOWN_CURSOR,
} from '@relay/contracts';
import {
  type Authenticate,
  bearerToken,
  CommonErrorCode,
  type HttpApp,
  problemResponses,
} from '@relay/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { relayResponse, searchParams } from '../service-client.ts';
import { AuthErrorCode } from '../users/auth.errors.ts';
import type { ChatApiClient } from './chat-api.client.ts';
import { ChatErrorCode } from './chats.errors.ts';
import type { Caller, ChatsService } from './chats.service.ts';

export interface ChatRouteDeps {
  authenticate: Authenticate;
  chats: ChatsService;
  chatApi: ChatApiClient;
}

const tags = ['chats'];
const security = [{ bearerAuth: [] }];
const ChatParams = z.object({ chatId: z.uuid() });
const revoked = [AuthErrorCode.TokenRevoked];
const rateLimited = [CommonErrorCode.RateLimited];
const notAMember = [ChatErrorCode.NotAMember];

export function registerChatRoutes(app: HttpApp, { authenticate, chats, chatApi }: ChatRouteDeps): void {
  const caller = async (request: FastifyRequest): Promise<Caller> => {
    const claims = await authenticate(request);
    return { userId: claims.sub, accessToken: bearerToken(request.headers.authorization) ?? '' };
  };

  app.post(
    '/api/chats',
    {
      schema: {
        tags,
        security,
        body: CreateChatBody,
        response: { 201: ChatWithInvites, ...problemResponses({ 401: revoked, 429: rateLimited }) },
      },
    },
    async (request, reply) => {
      const chat = await chats.create(await caller(request), request.body);
      return reply.code(201).send(chat);
    },
  );

  app.get(
    '/api/chats',
    { schema: { tags, security, response: { 200: ChatList, ...problemResponses({ 401: revoked }) } } },
    async (request) => ({ chats: await chats.list(await caller(request)) }),
  );

  app.post(
    '/api/chats/:chatId/members',
    {
      schema: {
        tags,
        security,
        params: ChatParams,
        body: AddMembersBody,
        response: {
          200: ChatWithInvites,
          ...problemResponses({ 401: revoked, 403: notAMember, 429: rateLimited }),
        },
      },
    },
    async (request) => chats.addMembers(await caller(request), request.params.chatId, request.body.emails),
  );

  app.get(
    '/api/chats/:chatId/messages',
    {
      schema: {
        tags,
        security,
        description: 'History from the chat service, oldest first; `before` pages back ("continue chat").',
        params: ChatParams,
        querystring: MessagePageQuery,
        // chat-api's own refusals come through as it answered them.
        response: {
          200: MessagePage,
          ...problemResponses({
            400: [UNKNOWN_CURSOR],
            401: revoked,
            403: notAMember,
            503: [ChatErrorCode.HistoryUnavailable],
          }),
        },
      },
    },
    async (request, reply) => {
      const { userId, accessToken } = await caller(request);
      await chats.requireMember(request.params.chatId, userId);
      const query = searchParams(request.query);
      const upstream = await chatApi.historyResponse(accessToken, request.params.chatId, query);
      return relayProjection(reply, upstream, { messages: [], nextCursor: null });
    },
  );

  app.get(
    '/api/chats/:chatId/reads',
    {
      schema: {
        tags,
        security,
        description: 'How far each member has read, from the chat service: "read by N" after a reload.',
        params: ChatParams,
        response: {
          200: ReadPositionList,
          ...problemResponses({ 401: revoked, 403: notAMember, 503: [ChatErrorCode.HistoryUnavailable] }),
        },
      },
    },
    async (request, reply) => {
      const { userId, accessToken } = await caller(request);
      await chats.requireMember(request.params.chatId, userId);
      return relayProjection(reply, await chatApi.readsResponse(accessToken, request.params.chatId), {
        reads: [],
      });
    },
  );
}

/**
 * chat-api's memberships are a projection of `chat_service`, the gateway's are the truth (checked
 * before the call): a member chat-api does not know yet is in a chat too new for it, with nothing
 * in it so far — an empty answer, not the 403 chat-api gives.
 */
function relayProjection(reply: FastifyReply, upstream: Response, empty: object): FastifyReply {
  if (upstream.status !== 403) return relayResponse(reply, upstream);
  void upstream.body?.cancel();
  return reply.code(200).send(empty);
}
