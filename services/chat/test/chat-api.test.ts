import { randomUUID } from 'node:crypto';
import { createLogger } from '@relay/platform';
import { TestTokenIssuer } from '@relay/testing';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatService, type ChatService } from '../src/app.ts';
import { loadChatConfig } from '../src/config.ts';
import type { ChatStore } from '../src/store/chat-store.ts';
import { chatCreated, messageCreated, messageRead } from './events.ts';
import { type TestStore, testStore } from './stores.ts';

const logger = createLogger({ name: 'chat-api-test', level: 'silent' });
let issuer: TestTokenIssuer;
let service: ChatService;
let baseUrl: string;
let handle: TestStore;
let store: ChatStore;

const alice = randomUUID();
const bob = randomUUID();
const mallory = randomUUID();
const chatId = randomUUID();
const messageIds: string[] = [];

const tokenFor: TestTokenIssuer['tokenFor'] = (sub, options) => issuer.tokenFor(sub, options);

beforeAll(async () => {
  // A stand-in for the gateway's /.well-known/jwks.json with a key of this test's own.
  issuer = await TestTokenIssuer.start();

  handle = testStore('sqlite');
  store = await handle.open();
  const messages = Array.from({ length: 3 }, (_, index) => messageCreated(chatId, alice, `m${index}`));
  messageIds.push(...messages.map((event) => event.payload.messageId));
  await store.applyEvents([chatCreated(chatId, [alice, bob]), ...messages]);

  service = await buildChatService(
    loadChatConfig({ ...process.env, ...handle.env, GATEWAY_JWKS_URL: issuer.jwksUrl }),
    logger,
  );
  baseUrl = await service.http.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const step of service?.shutdownSteps ?? []) await step.close();
  await store?.close();
  await handle?.drop();
  await issuer?.close();
});

async function get(path: string, token?: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  const json: any = await response.json();
  return { status: response.status, type: response.headers.get('content-type'), json };
}

describe('chat-api', () => {
  it('serves a member the history, oldest first', async () => {
    const page = await get(`/chats/${chatId}/messages?limit=2`, await tokenFor(bob));
    expect(page.status).toBe(200);
    expect(page.json.messages.map((message: { body: string }) => message.body)).toEqual(['m1', 'm2']);
    expect(page.json.nextCursor).toBe(messageIds[1]);
  });

  it("serves a member everyone's read position, and refuses a non-member", async () => {
    // alice sent every message: her read position leaves bob's unread count (tested below) alone.
    await store.applyEvents([messageRead(chatId, alice, messageIds[1] as string)]);
    const answer = await get(`/chats/${chatId}/reads`, await tokenFor(bob));
    expect(answer.status).toBe(200);
    expect(answer.json.reads).toEqual([expect.objectContaining({ userId: alice, messageId: messageIds[1] })]);
    const refused = await get(`/chats/${chatId}/reads`, await tokenFor(mallory));
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('not_a_member');
    expect((await get(`/chats/${chatId}/reads`)).status).toBe(401);
  });

  it('refuses a valid token of a non-member with 403, and an unknown chat alike', async () => {
    const token = await tokenFor(mallory);
    const refused = await get(`/chats/${chatId}/messages`, token);
    expect(refused.status).toBe(403);
    expect(refused.type).toMatch(/application\/problem\+json/);
    expect(refused.json.code).toBe('not_a_member');
    expect((await get(`/chats/${randomUUID()}/messages`, await tokenFor(bob))).status).toBe(403);
  });

  it('refuses missing, expired and foreign-signed tokens with 401', async () => {
    expect((await get(`/chats/${chatId}/messages`)).status).toBe(401);
    const expired = await get(
      `/chats/${chatId}/messages`,
      await tokenFor(bob, { exp: Math.floor(Date.now() / 1000) - 60 }),
    );
    expect(expired.status).toBe(401);
    expect(expired.json.code).toBe('token_expired');
    const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await get(`/chats/${chatId}/messages`, await tokenFor(bob, { key: stranger.privateKey }));
    expect(forged.status).toBe(401);
    // A member's subject pasted into a non-member's token: the signature no longer matches.
    const [header, payload, signature] = (await tokenFor(mallory)).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const swapped = Buffer.from(JSON.stringify({ ...claims, sub: bob })).toString('base64url');
    const tampered = await get(`/chats/${chatId}/messages`, `${header}.${swapped}.${signature}`);
    expect(tampered.status).toBe(401);
    expect(tampered.type).toMatch(/application\/problem\+json/);
  });

  it('answers bad paging with 400 problems', async () => {
    const token = await tokenFor(bob);
    for (const query of ['limit=0', 'limit=10000', 'limit=abc', `before=${randomUUID()}`]) {
      const answer = await get(`/chats/${chatId}/messages?${query}`, token);
      expect(answer.status, query).toBe(400);
      expect(answer.type).toMatch(/application\/problem\+json/);
    }
    for (const cursor of ['before', 'after']) {
      const unknown = await get(`/chats/${chatId}/messages?${cursor}=${randomUUID()}`, token);
      expect(unknown.json).toMatchObject({ status: 400, code: 'unknown_cursor' });
    }
    const both = await get(`/chats/${chatId}/messages?before=${messageIds[2]}&after=${messageIds[0]}`, token);
    expect(both.status).toBe(400);
    expect((await get(`/chats/not-a-uuid/messages`, token)).status).toBe(400);
  });

  it('lists the caller’s chats with last message and unread count', async () => {
    const answer = await get('/me/chats', await tokenFor(bob));
    expect(answer.status).toBe(200);
    expect(answer.json.chats).toEqual([
      {
        chatId,
        lastMessage: expect.objectContaining({ messageId: messageIds[2], body: 'm2' }),
        unreadCount: 3,
        lastReadMessageId: null,
      },
    ]);
    expect((await get('/me/chats', await tokenFor(mallory))).json.chats).toEqual([]);
  });
});
