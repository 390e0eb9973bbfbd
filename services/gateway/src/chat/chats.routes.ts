import { Readable } from 'node:stream';
import {
  AddMembersBody,
  ChatList,
  ChatWithInvites,
  CreateChatBody,
  MessagePage,
  MessagePageQuery,
} from '@relay/contracts';
import { type Authenticate, bearerToken, type HttpApp } from '@relay/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ChatApiClient } from './chat-api.client.ts';
import type { Caller, ChatsService } from './chats.service.ts';

export interface ChatRouteDeps {
  authenticate: Authenticate;
  chats: ChatsService;
  chatApi: ChatApiClient;
}

const tags = ['chats'];
const security = [{ bearerAuth: [] }];
const ChatParams = z.object({ chatId: z.uuid() });

export function registerChatRoutes(app: HttpApp, { authenticate, chats, chatApi }: ChatRouteDeps): void {
  const caller = async (request: FastifyRequest): Promise<Caller> => {
    const claims = await authenticate(request);
    return { userId: claims.sub, accessToken: bearerToken(request.headers.authorization) ?? '' };
  };

  app.post(
    '/api/chats',
    { schema: { tags, security, body: CreateChatBody, response: { 201: ChatWithInvites } } },
    async (request, reply) => {
      const chat = await chats.create(await caller(request), request.body);
      return reply.code(201).send(chat);
    },
  );

  app.get('/api/chats', { schema: { tags, security, response: { 200: ChatList } } }, async (request) => ({
    chats: await chats.list(await caller(request)),
  }));

  app.post(
    '/api/chats/:chatId/members',
    {
      schema: {
        tags,
        security,
        params: ChatParams,
        body: AddMembersBody,
        response: { 200: ChatWithInvites },
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
        response: { 200: MessagePage },
      },
    },
    async (request, reply) => {
      const { userId, accessToken } = await caller(request);
      await chats.requireMember(request.params.chatId, userId);
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query))
        if (value !== undefined) query.set(key, String(value));
      const upstream = await chatApi.historyResponse(accessToken, request.params.chatId, query);
      // Streamed through as chat-api wrote it (its 4xx are problem+json already): the
      // status and body are chat-api's, which the route's static types cannot know.
      const body = upstream.body === null ? '' : Readable.fromWeb(upstream.body);
      return reply
        .code(upstream.status as 200)
        .type(upstream.headers.get('content-type') ?? 'application/json')
        .send(body as unknown as MessagePage);
    },
  );
}
