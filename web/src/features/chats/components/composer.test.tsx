import type { UserProfile } from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { profileQueryKey } from '../../profile/hooks/profile-query-key.ts';
import { messageDrafts } from '../hooks/message-drafts.ts';
import { Composer } from './composer.tsx';

const ME = '00000000-0000-4000-8000-00000000000a';
const CHAT = '00000000-0000-4000-8000-000000000001';
const OTHER_CHAT = '00000000-0000-4000-8000-000000000002';

function renderComposer(onSend = vi.fn()) {
  const queryClient = new QueryClient();
  queryClient.setQueryData(profileQueryKey, { id: ME, name: 'Ada' } as UserProfile);
  const router = createMemoryRouter(
    [{ path: '/chats/:chatId', element: <Composer onSend={onSend} onTyping={() => {}} /> }],
    { initialEntries: [`/chats/${CHAT}`] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { onSend, router, field: () => screen.getByLabelText('Message') as HTMLTextAreaElement };
}

afterEach(() => {
  localStorage.clear();
});

describe('Composer', () => {
  it('is focused when the room opens', () => {
    const { field } = renderComposer();
    expect(document.activeElement).toBe(field());
  });

  it('keeps what is typed as the chat’s draft, and forgets it once sent', async () => {
    const first = renderComposer();
    const user = userEvent.setup();
    await user.type(first.field(), 'half a thought');
    expect(messageDrafts.read(ME, CHAT)).toEqual({ text: 'half a thought', notSent: false });

    await user.keyboard('{Enter}');
    expect(first.onSend).toHaveBeenCalledWith('half a thought');
    expect(first.field().value).toBe('');
    expect(messageDrafts.read(ME, CHAT)).toBeUndefined();
  });

  it('opens with the messages that were not sent, saying so, until they are sent', async () => {
    messageDrafts.keepUnsent(ME, CHAT, ['lost on sign-out']);
    const { field, onSend } = renderComposer();

    expect(field().value).toBe('lost on sign-out');
    expect(screen.getByText('Not sent — kept as a draft')).toBeDefined();
    expect(field().getAttribute('aria-describedby')).toBeTruthy();

    await userEvent.setup().keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('lost on sign-out');
    expect(screen.queryByText('Not sent — kept as a draft')).toBeNull();
    expect(messageDrafts.read(ME, CHAT)).toBeUndefined();
  });

  it('takes in a message refused while the room is open, after what is being typed', async () => {
    const { field } = renderComposer();
    await userEvent.setup().type(field(), 'typing');
    act(() => messageDrafts.keepUnsent(ME, CHAT, ['refused']));

    expect(field().value).toBe('typing\n\nrefused');
    expect(screen.getByText('Not sent — kept as a draft')).toBeDefined();
  });

  it('shows each chat its own draft when moving between chats', async () => {
    const { field, router } = renderComposer();
    await userEvent.setup().type(field(), 'for the first chat');

    await act(() => router.navigate(`/chats/${OTHER_CHAT}`));
    expect(field().value).toBe('');
    await act(() => router.navigate(`/chats/${CHAT}`));
    expect(field().value).toBe('for the first chat');
  });
});
