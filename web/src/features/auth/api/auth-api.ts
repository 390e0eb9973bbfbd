import type { ActivateBody, EmailBody, LoginBody, ResetPasswordBody, SignupBody } from '@relay/contracts';

/** Loaded on the first call: a public page shows itself without the API client and the contracts' schemas. */
const endpoints = () => import('./auth-endpoints.ts').then((module) => module.authEndpoints);

/** The gateway's /api/auth endpoints (`auth-endpoints.ts`), each loading them when first called. */
export const authApi = {
  signup: async (body: SignupBody) => (await endpoints()).signup(body),
  activate: async (body: ActivateBody) => (await endpoints()).activate(body),
  resendActivation: async (body: EmailBody) => (await endpoints()).resendActivation(body),
  login: async (body: LoginBody) => (await endpoints()).login(body),
  logout: async () => (await endpoints()).logout(),
  forgotPassword: async (body: EmailBody) => (await endpoints()).forgotPassword(body),
  resetPassword: async (body: ResetPasswordBody) => (await endpoints()).resetPassword(body),
};
