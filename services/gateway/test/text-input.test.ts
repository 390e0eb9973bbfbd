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
let user: Awaited<ReturnType<typeof activeUser>>;

beforeAll(async () => {
  gateway = await startGateway();
  worker = startWorker();
  user = await activeUser('Text Tester');
});
afterAll(async () => {
  await Promise.all([gateway?.close(), worker?.close()]);
});

/** Text PostgreSQL cannot store (NUL), controls, broken UTF-16 and text nobody can see. */
const HOSTILE = [
  'nul\u0000here',
  'esc\u001B[31m',
  'del\u007F',
  'c1\u0085',
  'lone \uD800',
  '\u200B\u2060\uFEFF',
];

function expectValidationProblem(answer: Awaited<ReturnType<typeof call>>, path: string, input: string) {
  expect(answer.status, JSON.stringify(input)).toBe(400);
  expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(answer.json.code).toBe('validation_failed');
  expect(answer.json.errors.map((error: { path: string }) => error.path)).toContain(path);
}

describe('text fields refuse what cannot be stored or seen, with a 400 problem', () => {
  it('sign-up name', async () => {
    for (const name of HOSTILE) {
      const answer = await call(gateway.baseUrl, 'POST', '/api/auth/signup', {
        body: { email: uniqueEmail(), password: PASSWORD, name },
      });
      expectValidationProblem(answer, 'body.name', name);
    }
  });

  it('profile name and bio, and the profile is unchanged', async () => {
    for (const text of HOSTILE) {
      const name = await call(gateway.baseUrl, 'PATCH', '/api/users/me', {
        token: user.accessToken,
        body: { name: text },
      });
      expectValidationProblem(name, 'body.name', text);
    }
    // A bio may be empty, but not hold controls.
    for (const text of HOSTILE.slice(0, 5)) {
      const bio = await call(gateway.baseUrl, 'PATCH', '/api/users/me', {
        token: user.accessToken,
        body: { bio: text },
      });
      expectValidationProblem(bio, 'body.bio', text);
    }
    const profile = await call(gateway.baseUrl, 'GET', '/api/users/me', { token: user.accessToken });
    expect(profile.json).toMatchObject({ name: 'Text Tester', bio: '' });
  });

  it('keeps line breaks in a bio and any script in a name', async () => {
    const answer = await call(gateway.baseUrl, 'PATCH', '/api/users/me', {
      token: user.accessToken,
      body: { name: 'Zoë 山田 👩‍💻', bio: 'first line\nsecond line' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ name: 'Zoë 山田 👩‍💻', bio: 'first line\nsecond line' });
  });
});
