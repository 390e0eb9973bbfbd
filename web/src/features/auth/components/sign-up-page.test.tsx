import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { SignUpPage } from './sign-up-page.tsx';

function renderSignUp() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <SignUpPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const submit = () => screen.getByRole('button', { name: 'Create account' });

describe('SignUpPage', () => {
  it('names every field and explains what is missing, tied to the field', async () => {
    const user = renderSignUp();
    expect(screen.getByRole('heading', { level: 1, name: 'Create your account' })).toBeDefined();

    await user.click(submit());

    for (const [label, message] of [
      ['Name', 'Name must not be empty.'],
      ['Email', 'Email must be an e-mail address.'],
      ['Password', 'Password must be at least 10 characters.'],
    ] as const) {
      const field = await screen.findByLabelText(label);
      expect(field.getAttribute('aria-invalid')).toBe('true');
      expect(field.getAttribute('aria-describedby')).toContain(screen.getByText(message).id);
    }
  });

  it('applies the contracts’ rules beyond length, and only to the fields that break them', async () => {
    const user = renderSignUp();
    await user.type(screen.getByLabelText('Name'), 'Ada Lovelace');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), ' '.repeat(12));
    await user.click(submit());

    expect(await screen.findByText('Password must not be mostly spaces.')).toBeDefined();
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBeNull();
  });
});
