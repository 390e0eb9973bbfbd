import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActivatePage } from './activate-page.tsx';

const TOKEN = 'a-token-long-enough-to-be-one';

function answer(status: number, body: unknown) {
  const gateway = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', gateway);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[`/activate?token=${TOKEN}`]}>
        <ActivatePage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return gateway;
}

const problem = (status: number, code: string) => ({
  type: 'about:blank',
  title: 'x',
  status,
  code,
  detail: code,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ActivatePage', () => {
  it('spends the token once and offers to sign in', async () => {
    const gateway = answer(200, { status: 'activated' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Account activated' })).toBeDefined();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login');
    expect(gateway).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(gateway.mock.calls[0]?.[1]?.body))).toEqual({ token: TOKEN });
  });

  it.each([
    [410, 'activation_token_expired', 'Link expired'],
    [409, 'activation_token_used', 'Link already used'],
    [400, 'activation_token_unknown', 'Link not valid'],
  ])('answers %i %s with "%s" and a way to get a new link', async (status, code, title) => {
    answer(status, problem(status, code));
    expect(await screen.findByRole('heading', { level: 1, name: title })).toBeDefined();
    expect(screen.getByRole('button', { name: 'Resend email' })).toBeDefined();
  });
});
