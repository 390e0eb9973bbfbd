import { ChatSummaryList } from '@relay/contracts';
import type { Authenticate, HttpApp } from '@relay/platform';
import type { MembershipsService } from './memberships.service.ts';

export function registerMembershipRoutes(
  app: HttpApp,
  deps: { memberships: MembershipsService; authenticate: Authenticate },
): void {
  const caller = deps.authenticate;

  app.get(
    '/me/chats',
    {
      schema: {
        tags: ['memberships'],
        summary: 'The caller’s chats with last message and unread count',
        security: [{ bearerAuth: [] }],
        response: { 200: ChatSummaryList },
      },
    },
    async (request) => {
      const { sub } = await caller(request);
      return { chats: await deps.memberships.chatsOf(sub) };
    },
  );
}
