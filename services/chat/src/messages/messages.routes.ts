import { ChatSummaryList, MessagePage, MessagePageQuery } from '@relay/contracts';
import { AppError, createAuthenticate, type HttpApp, type JwtVerifier } from '@relay/platform';
import { z } from 'zod';
import type { ChatStore } from '../store/chat-store.ts';

const tags = ['messages'];
const security = [{ bearerAuth: [] }];

/**
 * History, membership-checked against this service's own table (fed by `chat_service`), so a
 * valid token of a non-member is refused even when it skips the gateway. An unknown chat is a
 * 403 too: a non-member learns nothing, not even that the chat exists.
 */
export function registerMessageRoutes(app: HttpApp, deps: { store: ChatStore; verify: JwtVerifier }): void {
  const caller = createAuthenticate(deps.verify);

  app.get(
    '/chats/:chatId/messages',
    {
      schema: {
        tags,
        security,
        params: z.object({ chatId: z.uuid() }),
        querystring: MessagePageQuery,
        response: { 200: MessagePage },
      },
    },
    async (request) => {
      const { sub } = await caller(request);
      if (!(await deps.store.isMember(request.params.chatId, sub))) {
        throw new AppError({
          code: 'not_a_member',
          status: 403,
          title: 'Forbidden',
          detail: 'You are not a member of this chat.',
        });
      }
      return deps.store.page(request.params.chatId, request.query);
    },
  );

  app.get(
    '/me/chats',
    { schema: { tags, security, response: { 200: ChatSummaryList } } },
    async (request) => {
      const { sub } = await caller(request);
      return { chats: await deps.store.summaries(sub) };
    },
  );
}
