import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageText } from './message-text.tsx';

describe('MessageText', () => {
  it('shows markup as the text typed, never as elements', () => {
    const body = '<img src=x onerror="window.pwned = true"><b>bold</b>';
    const { container } = render(<MessageText body={body} />);
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.textContent).toBe(body);
  });

  it('turns a URL into a link that opens without handing over the page', () => {
    render(<MessageText body="docs at https://example.com/a?b=1, see you" />);
    const link = screen.getByRole('link', { name: 'https://example.com/a?b=1' });
    expect(link.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.closest('p')?.textContent).toBe('docs at https://example.com/a?b=1, see you');
  });

  it('leaves other schemes as text', () => {
    render(<MessageText body="javascript:alert(1) and ftp://x.example" />);
    expect(screen.queryByRole('link')).toBeNull();
  });
});
