import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ToastProvider, useToast } from './toast.tsx';

function Shower({ count }: { count: number }) {
  const show = useToast();
  return (
    <button type="button" onClick={() => Array.from({ length: count }, (_, n) => show(`Saved ${n + 1}`))}>
      Show
    </button>
  );
}

describe('ToastProvider', () => {
  it('keeps at most three toasts on screen, the newest ones', () => {
    render(
      <ToastProvider>
        <Shower count={5} />
      </ToastProvider>,
    );
    act(() => screen.getByRole('button', { name: 'Show' }).click());
    const viewport = document.querySelector('.toast-viewport');
    const shown = [...(viewport?.querySelectorAll('.toast') ?? [])].map((toast) => toast.textContent);
    expect(shown).toEqual(['Saved 3×', 'Saved 4×', 'Saved 5×']);
  });
});
