import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { freePort, tokenFromMail, waitForMail } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  call,
  PASSWORD,
  type Running,
  startGateway,
  startWorker,
  uniqueEmail,
} from './helpers.ts';

let gateway: Running;
let worker: { close: () => Promise<void> };
let alice: Awaited<ReturnType<typeof activeUser>>;
let bob: Awaited<ReturnType<typeof activeUser>>;
let carol: Awaited<ReturnType<typeof activeUser>>;

beforeAll(async () => {
  // chat-api is deliberately absent here: nothing listens on this port.
  gateway = await startGateway({
    CHAT_URL: `http://127.0.0.1:${await freePort()}`,
    CHAT_API_TIMEOUT_MS: '1000',
  });
  worker = startWorker();
  [alice, bob, carol] = await Promise.all([activeUser('Alice'), activeUser('Bob'), activeUser('Carol')]);
});
afterAll(async () => {
  await Promise.all([gateway?.close(), worker?.close()]);
});

const createChat = (token: string, body: unknown) =>
  call(gateway.baseUrl, 'POST', '/api/chats', { token, body });

describe('chats', () => {
  it('creates a chat with its members, the creator among them', async () => {
    const created = await createChat(alice.accessToken, {
      title: ' Book club ',
      memberEmails: [bob.email.toUpperCase()],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ title: 'Book club', lastMessage: null, unreadCount: 0 });
    expect(created.json.members.map((member: { email: string }) => member.email).sort()).toEqual(
      [alice.email, bob.email].sort(),
    );

    const listed = await call(gateway.baseUrl, 'GET', '/api/chats', { token: bob.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.json.chats.map((chat: { id: string }) => chat.id)).toContain(created.json.id);
    const carolsList = await call(gateway.baseUrl, 'GET', '/api/chats', { token: carol.accessToken });
    expect(carolsList.json.chats.map((chat: { id: string }) => chat.id)).not.toContain(created.json.id);
  });

  it('creates the chat with the members who have an account and reports every other address as invited', async () => {
    const stranger = uniqueEmail();
    const created = await createChat(alice.accessToken, { memberEmails: [bob.email, stranger, stranger] });
    expect(created.status).toBe(201);
    expect(created.json.invited).toEqual([stranger]);
    expect(created.json.members.map((member: { email: string }) => member.email).sort()).toEqual(
      [alice.email, bob.email].sort(),
    );
    // Nobody is named in an error: the answer has one shape whichever addresses have accounts.
    const allKnown = await createChat(alice.accessToken, { memberEmails: [bob.email] });
    expect(allKnown.status).toBe(201);
    expect(allKnown.json.invited).toEqual([]);
    const added = await call(gateway.baseUrl, 'POST', `/api/chats/${allKnown.json.id}/members`, {
      token: alice.accessToken,
      body: { emails: [stranger] },
    });
    expect(added.status).toBe(200);
    expect(added.json.invited).toEqual([stranger]);
    expect(added.json.members).toHaveLength(2);

    // The invitee signs up later: at the first sign-in both chats are theirs.
    const signup = await call(gateway.baseUrl, 'POST', '/api/auth/signup', {
      body: { email: stranger, password: PASSWORD, name: 'Late Comer' },
    });
    expect(signup.status).toBe(202);
    const token = tokenFromMail(await waitForMail(stranger, (mail) => mail.subject.includes('Activate')));
    expect((await call(gateway.baseUrl, 'POST', '/api/auth/activate', { body: { token } })).status).toBe(200);
    const login = await call(gateway.baseUrl, 'POST', '/api/auth/login', {
      body: { email: stranger, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const listed = await call(gateway.baseUrl, 'GET', '/api/chats', { token: login.json.accessToken });
    expect(listed.json.chats.map((chat: { id: string }) => chat.id).sort()).toEqual(
      [created.json.id, allKnown.json.id].sort(),
    );
    const joined = listed.json.chats.find((chat: { id: string }) => chat.id === created.json.id);
    expect(joined.members.map((member: { email: string }) => member.email).sort()).toEqual(
      [alice.email, bob.email, stranger].sort(),
    );
  });

  it('limits how many addresses one user may look up, across creating chats and adding members', async () => {
    const limited = await startGateway({ CHAT_MEMBER_LOOKUPS_PER_HOUR: '5' });
    try {
      const dave = await activeUser('Dave');
      const probe = (emails: string[]) =>
        call(limited.baseUrl, 'POST', '/api/chats', {
          token: dave.accessToken,
          body: { memberEmails: emails },
        });
      expect((await probe([uniqueEmail(), uniqueEmail(), bob.email])).status).toBe(201);
      const refused = await probe([uniqueEmail(), uniqueEmail(), uniqueEmail()]);
      expect(refused.status).toBe(429);
      expect(refused.json.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // A chat without members to look up costs nothing.
      expect((await probe([])).status).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('refuses control characters and invisible titles with a 400 problem, never a 500', async () => {
    for (const title of ['tea\u0000time', 'bell\u0007', '\u200B\u200D', 'line\nbreak']) {
      const refused = await createChat(alice.accessToken, { title });
      expect(refused.status, JSON.stringify(title)).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(refused.json.code).toBe('validation_failed');
      expect(refused.json.errors[0].path).toBe('body.title');
    }
  });

  it('validates the body', async () => {
    const badEmail = await createChat(alice.accessToken, { memberEmails: ['not-an-email'] });
    expect(badEmail.status).toBe(400);
    expect(badEmail.json.code).toBe('validation_failed');
    const longTitle = await createChat(alice.accessToken, { title: 'x'.repeat(121) });
    expect(longTitle.status).toBe(400);
    expect((await createChat('', {})).status).toBe(401);
  });

  it('lets members add members, and only members', async () => {
    const { json: chat } = await createChat(alice.accessToken, { memberEmails: [] });
    const byOutsider = await call(gateway.baseUrl, 'POST', `/api/chats/${chat.id}/members`, {
      token: carol.accessToken,
      body: { emails: [carol.email] },
    });
    expect(byOutsider.status).toBe(403);
    expect(byOutsider.json.code).toBe('not_a_member');

    const added = await call(gateway.baseUrl, 'POST', `/api/chats/${chat.id}/members`, {
      token: alice.accessToken,
      body: { emails: [carol.email, alice.email] },
    });
    expect(added.status).toBe(200);
    expect(added.json.members).toHaveLength(2);
  });

  it('keeps history from non-members and answers 503 when chat-api is down', async () => {
    const { json: chat } = await createChat(alice.accessToken, { memberEmails: [bob.email] });
    const byOutsider = await call(gateway.baseUrl, 'GET', `/api/chats/${chat.id}/messages`, {
      token: carol.accessToken,
    });
    expect(byOutsider.status).toBe(403);
    const unknownChat = await call(gateway.baseUrl, 'GET', `/api/chats/${randomUUID()}/messages`, {
      token: alice.accessToken,
    });
    expect(unknownChat.status).toBe(403);
    const badLimit = await call(gateway.baseUrl, 'GET', `/api/chats/${chat.id}/messages?limit=0`, {
      token: alice.accessToken,
    });
    expect(badLimit.status).toBe(400);

    const down = await call(gateway.baseUrl, 'GET', `/api/chats/${chat.id}/messages`, {
      token: alice.accessToken,
    });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.json.code).toBe('chat_history_unavailable');

    const readsByOutsider = await call(gateway.baseUrl, 'GET', `/api/chats/${chat.id}/reads`, {
      token: carol.accessToken,
    });
    expect(readsByOutsider.status).toBe(403);
    const readsDown = await call(gateway.baseUrl, 'GET', `/api/chats/${chat.id}/reads`, {
      token: alice.accessToken,
    });
    expect(readsDown.status).toBe(503);
    expect(readsDown.json.code).toBe('chat_history_unavailable');
  });
});

describe('a chat chat-api has not heard of yet', () => {
  it('reads as empty to its members (chat-api lags behind the gateway), and stays refused to others', async () => {
    // Stands in for chat-api before chat-consumer has applied chat.created: it knows no member yet.
    const lagging = createServer((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/problem+json' });
      response.end(
        JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, code: 'not_a_member' }),
      );
    });
    await new Promise<void>((resolve) => lagging.listen(0, '127.0.0.1', resolve));
    const address = lagging.address() as { port: number };
    const early = await startGateway({ CHAT_URL: `http://127.0.0.1:${address.port}` });
    try {
      const { json: chat } = await call(early.baseUrl, 'POST', '/api/chats', {
        token: alice.accessToken,
        body: { memberEmails: [bob.email] },
      });
      const history = await call(early.baseUrl, 'GET', `/api/chats/${chat.id}/messages`, {
        token: bob.accessToken,
      });
      expect(history.status).toBe(200);
      expect(history.json).toEqual({ messages: [], nextCursor: null });
      const reads = await call(early.baseUrl, 'GET', `/api/chats/${chat.id}/reads`, {
        token: bob.accessToken,
      });
      expect(reads.status).toBe(200);
      expect(reads.json).toEqual({ reads: [] });
      const outsider = await call(early.baseUrl, 'GET', `/api/chats/${chat.id}/messages`, {
        token: carol.accessToken,
      });
      expect(outsider.status).toBe(403);
    } finally {
      await early.close();
      lagging.close();
    }
  });
});
