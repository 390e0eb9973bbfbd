import { MessagePage, MessagePageQuery, ReadPositionList } from '@relay/contracts';
import { type Authenticate, type HttpApp, problemResponses } from '@relay/platform';
import { z } from 'zod';
import { ChatErrorCode } from '../chat.errors.ts';
import type { MessagesService } from './messages.service.ts';

export function registerMessageRoutes(
  app: HttpApp,
  deps: { messages: MessagesService; authenticate: Authenticate },
): void {
  const caller = deps.authenticate;
  const ChatParams = z.object({ chatId: z.uuid() });

  app.get(
    '/chats/:chatId/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'A page of a chat’s history, oldest first (members only; 403 for anyone else)',
        security: [{ bearerAuth: [] }],
        params: ChatParams,
        querystring: MessagePageQuery,
        response: {
          200: MessagePage,
          ...problemResponses({ 400: [ChatErrorCode.UnknownCursor], 403: [ChatErrorCode.NotAMember] }),
        },
      },
    },
    async (request) => {
      const { sub } = await caller(request);
      return deps.messages.history(sub, request.params.chatId, request.query);
    },
  );

  app.get(
    '/chats/:chatId/reads',
    {
      schema: {
        tags: ['messages'],
        summary: 'How far each member has read the chat (members only; 403 for anyone else)',
        security: [{ bearerAuth: [] }],
        params: ChatParams,
        response: { 200: ReadPositionList, ...problemResponses({ 403: [ChatErrorCode.NotAMember] }) },
      },
    },
    async (request) => {
      const { sub } = await caller(request);
      return deps.messages.reads(sub, request.params.chatId);
    },
  );
}
