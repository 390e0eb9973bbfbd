import { randomUUID } from 'node:crypto';
import { createLogger } from '@relay/platform';
import { type SignedInUser, TEST_PASSWORD, UserFactory } from '@relay/testing';
import { afterAll } from 'vitest';
import { buildGateway, buildGatewayWorker } from '../src/app.ts';
import { loadGatewayConfig } from '../src/config.ts';

const logger = createLogger({ name: 'gateway-test', level: process.env.LOG_LEVEL ?? 'silent' });

/** Limits high enough that only the rate-limit tests ever meet them. */
const TEST_DEFAULTS = {
  AUTH_RATE_LIMIT_PER_IP: '100000',
  AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
  CHAT_SEND_RATE_PER_SECOND: '100000',
};

export interface Running {
  baseUrl: string;
  close: () => Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}) {
  return loadGatewayConfig({ ...process.env, ...TEST_DEFAULTS, ...overrides });
}

/** gateway-api in-process on a free port. */
export async function startGateway(overrides: Record<string, string> = {}): Promise<Running> {
  const gateway = await buildGateway(testConfig(overrides), logger);
  const baseUrl = await gateway.http.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl,
    close: async () => {
      for (const step of gateway.shutdownSteps) await step.close();
    },
  };
}

/** gateway-worker in-process. */
export function startWorker(overrides: Record<string, string> = {}): { close: () => Promise<void> } {
  const worker = buildGatewayWorker(testConfig(overrides), logger);
  return {
    close: async () => {
      for (const step of (await worker).shutdownSteps) await step.close();
    },
  };
}

export const uniqueEmail = () => `user-${randomUUID()}@example.com`;
export const PASSWORD = TEST_PASSWORD;

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; cookie?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  const json: any = text === '' ? undefined : JSON.parse(text);
  return { status: response.status, headers: response.headers, json };
}

/** The refresh cookie from a login or refresh answer, as a Cookie header value. */
export function refreshCookie(headers: Headers): string {
  const setCookie = headers.getSetCookie().find((cookie) => cookie.startsWith('relay_refresh='));
  if (setCookie === undefined) throw new Error('no refresh cookie set');
  return setCookie.split(';')[0] ?? '';
}

let users: Promise<UserFactory> | undefined;
afterAll(async () => {
  await (await users)?.close();
});

/**
 * An active user with a session, made straight through the repository (see `UserFactory`); its
 * password is PASSWORD. auth.test.ts keeps the one real sign-up → mail → activate test.
 */
export async function activeUser(name = 'Test User'): Promise<SignedInUser> {
  users ??= UserFactory.create(process.env);
  return (await users).activeUser({ name });
}
