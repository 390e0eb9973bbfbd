import { renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { session } from '../../../lib/api/api.ts';
import { useAccessTokenRefreshed } from './use-access-token-refreshed.ts';

describe('useAccessTokenRefreshed', () => {
  it('hands every new access token to the listener (the WebSocket’s auth.refresh) until unmounted', () => {
    const refreshToken = vi.fn();
    const { unmount } = renderHook(() => useAccessTokenRefreshed(refreshToken));

    session.signIn({ accessToken: 'first', tokenType: 'Bearer', expiresIn: 900 });
    session.signIn({ accessToken: 'second', tokenType: 'Bearer', expiresIn: 900 });
    unmount();
    session.signIn({ accessToken: 'after-unmount', tokenType: 'Bearer', expiresIn: 900 });

    expect(refreshToken.mock.calls).toEqual([['first'], ['second']]);
    session.end();
  });
});
