import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { session } from '../../../lib/api/api.ts';
import { authApi } from '../api/auth-api.ts';

/** Ends the session on the gateway (revoking the refresh cookie), then here and in every other tab. */
export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    // Signing out must work offline too: the local session ends whatever the gateway answers.
    await authApi.logout().catch(() => {});
    session.end();
    queryClient.clear();
  }, [queryClient]);
}
