import {
  AcceptedResponse,
  AccessTokenResponse,
  ActivateBody,
  EmailBody,
  LoginBody,
  ResetPasswordBody,
  SignupBody,
} from '@relay/contracts';
import { CommonErrorCode, type HttpApp, noContent, problemResponses } from '@relay/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuthErrorCode as Code } from './auth.errors.ts';
import type { AuthRateLimiter } from './auth.rate-limit.ts';
import type { AuthService, Session } from './auth.service.ts';

const REFRESH_COOKIE = 'relay_refresh';
const REFRESH_COOKIE_PATH = '/api/auth';

export interface AuthRouteDeps {
  auth: AuthService;
  rateLimiter: AuthRateLimiter;
  cookieSecure: boolean;
}

const tags = ['auth'];
const accepted = (message: string) => ({ status: 'accepted' as const, message });
const loggedOut = { 204: noContent('Logged out: the refresh cookie is cleared.') };
const rateLimited = problemResponses({ 429: [CommonErrorCode.RateLimited] });
const activated = {
  200: z.object({ status: z.literal('activated') }),
  ...problemResponses({
    400: [Code.ActivationTokenUnknown],
    409: [Code.ActivationTokenUsed],
    410: [Code.ActivationTokenExpired],
  }),
};
const loggedIn = {
  200: AccessTokenResponse,
  ...problemResponses({
    401: [Code.InvalidCredentials],
    403: [Code.AccountNotActivated],
    429: [CommonErrorCode.RateLimited],
  }),
};
const refreshed = {
  200: AccessTokenResponse,
  ...problemResponses({ 401: [Code.RefreshTokenMissing, Code.RefreshTokenInvalid, Code.RefreshTokenReused] }),
};
const passwordReset = {
  200: z.object({ status: z.literal('password_reset') }),
  ...problemResponses({
    400: [Code.ResetTokenUnknown],
    409: [Code.ResetTokenUsed],
    410: [Code.ResetTokenExpired],
    429: [CommonErrorCode.RateLimited],
  }),
};

export function registerAuthRoutes(app: HttpApp, { auth, rateLimiter, cookieSecure }: AuthRouteDeps): void {
  const sendSession = (reply: FastifyReply, session: Session) =>
    reply
      .setCookie(REFRESH_COOKIE, session.refreshToken, {
        httpOnly: true,
        sameSite: 'strict',
        secure: cookieSecure,
        path: REFRESH_COOKIE_PATH,
        expires: session.refreshExpiresAt,
      })
      .header('cache-control', 'no-store')
      .send({ accessToken: session.accessToken, tokenType: 'Bearer', expiresIn: session.expiresIn });

  app.post(
    '/api/auth/signup',
    { schema: { tags, body: SignupBody, response: { 202: AcceptedResponse, ...rateLimited } } },
    async (request, reply) => {
      await rateLimiter.consume('signup', request.ip, request.body.email);
      await auth.signup(request.body);
      return reply.code(202).send(accepted('Check your inbox for a link to activate your account.'));
    },
  );

  app.post(
    '/api/auth/activate',
    { schema: { tags, body: ActivateBody, response: activated } },
    async (request) => {
      await auth.activate(request.body);
      return { status: 'activated' as const };
    },
  );

  app.post(
    '/api/auth/resend-activation',
    { schema: { tags, body: EmailBody, response: { 202: AcceptedResponse, ...rateLimited } } },
    async (request, reply) => {
      await rateLimiter.consume('resend', request.ip, request.body.email);
      await auth.resendActivation(request.body.email);
      return reply
        .code(202)
        .send(accepted('If that address has an account to activate, a new link is on its way.'));
    },
  );

  app.post(
    '/api/auth/login',
    { schema: { tags, body: LoginBody, response: loggedIn } },
    async (request, reply) => {
      await rateLimiter.consume('login', request.ip, request.body.email);
      return sendSession(reply, await auth.login(request.body));
    },
  );

  app.post('/api/auth/refresh', { schema: { tags, response: refreshed } }, async (request, reply) =>
    sendSession(reply, await auth.refresh(request.cookies[REFRESH_COOKIE])),
  );

  app.post('/api/auth/logout', { schema: { tags, response: loggedOut } }, async (request, reply) => {
    await auth.logout(request.cookies[REFRESH_COOKIE]);
    return reply.clearCookie(REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH }).code(204).send();
  });

  app.post(
    '/api/auth/forgot-password',
    { schema: { tags, body: EmailBody, response: { 202: AcceptedResponse, ...rateLimited } } },
    async (request, reply) => {
      await rateLimiter.consume('reset', request.ip, request.body.email);
      await auth.requestPasswordReset(request.body.email);
      return reply.code(202).send(accepted('If that address has an account, a reset link is on its way.'));
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      schema: {
        tags,
        body: ResetPasswordBody,
        response: passwordReset,
      },
    },
    async (request) => {
      await rateLimiter.consume('reset-confirm', request.ip, undefined);
      await auth.resetPassword(request.body);
      return { status: 'password_reset' as const };
    },
  );
}
