import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '@relay/platform';
import { runEntryPoint } from '@relay/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatService, type ChatService } from '../src/app.ts';
import { loadChatConfig } from '../src/config.ts';

const logger = createLogger({ name: 'chat-test', level: 'silent' });
const started: ChatService[] = [];
const sqliteDir = mkdtempSync(join(tmpdir(), 'relay-chat-'));

afterAll(async () => {
  for (const service of started) for (const step of service.shutdownSteps) await step.close();
  rmSync(sqliteDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const service = await buildChatService(loadChatConfig({ ...process.env, ...env }), logger);
  started.push(service);
  return service.http.listen({ host: '127.0.0.1', port: 0 });
}

describe('chat-api process', () => {
  it.each([
    ['sqlite', { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(sqliteDir, 'chat.sqlite') }],
    ['postgres', { CHAT_STORE: 'postgres' }],
  ])('is ready on its %s store', async (store, env) => {
    const baseUrl = await start(env);
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: unknown }).checks).toEqual({ [store]: 'ok' });
  });

  it('refuses an unknown store, naming the variable', async () => {
    const result = await runEntryPoint(resolve(import.meta.dirname, '../src/main.ts'), {
      CHAT_STORE: 'mongodb',
      CHAT_DATABASE_URL: 'postgres://relay@127.0.0.1:5432/relay_chat',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/CHAT_STORE: /);
  });
});
