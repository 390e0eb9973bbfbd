import { useMutation, useQueryClient } from '@tanstack/react-query';
import { chatsApi } from '../api/chats-api.ts';
import { chatsQueryKey } from './chats-query-key.ts';

export function useAddMembers(chatId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (emails: string[]) => chatsApi.addMembers(chatId, { emails }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chatsQueryKey }),
  });
}
