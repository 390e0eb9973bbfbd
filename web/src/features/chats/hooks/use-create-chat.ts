import { useMutation, useQueryClient } from '@tanstack/react-query';
import { chatsApi } from '../api/chats-api.ts';
import { chatsQueryKey } from './chats-query-key.ts';

export function useCreateChat() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: chatsApi.create,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chatsQueryKey }),
  });
}
