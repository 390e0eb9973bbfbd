import {
  AcceptedResponse,
  AccessTokenResponse,
  type ActivateBody,
  type EmailBody,
  type LoginBody,
  type ResetPasswordBody,
  type SignupBody,
} from '@relay/contracts';
import { api } from '../../../lib/api/api.ts';

const post = { method: 'POST', authenticated: false } as const;

/** The gateway's /api/auth endpoints; bodies are the contracts' types, validated by the same schemas. */
export const authEndpoints = {
  signup: (body: SignupBody) => api.request('/api/auth/signup', { ...post, body, schema: AcceptedResponse }),
  // Resolves to a value: the activation page runs it as a query, and a query's data cannot be undefined.
  activate: (body: ActivateBody) =>
    api.request('/api/auth/activate', { ...post, body }).then(() => 'activated' as const),
  resendActivation: (body: EmailBody) =>
    api.request('/api/auth/resend-activation', { ...post, body, schema: AcceptedResponse }),
  login: (body: LoginBody) => api.request('/api/auth/login', { ...post, body, schema: AccessTokenResponse }),
  logout: () => api.request('/api/auth/logout', post),
  forgotPassword: (body: EmailBody) =>
    api.request('/api/auth/forgot-password', { ...post, body, schema: AcceptedResponse }),
  resetPassword: (body: ResetPasswordBody) => api.request('/api/auth/reset-password', { ...post, body }),
};
