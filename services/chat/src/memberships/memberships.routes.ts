import { ChatSummaryList } from '@relay/contracts';
import { createAuthenticate, type HttpApp, type JwtVerifier } from '@relay/platform';
import type { MembershipsService } from './memberships.service.ts';

export function registerMembershipRoutes(
  app: HttpApp,
  deps: { memberships: MembershipsService; verify: JwtVerifier },
): void {
  const caller = createAuthenticate(deps.verify);

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
