import { useQuery } from '@tanstack/react-query';
import { chatsApi } from '../api/chats-api.ts';
import { chatsQueryKey } from './chats-query-key.ts';

/** Chats someone else adds us to have no frame of their own: re-read the list now and then. */
const NEW_CHATS_POLL_MS = 30_000;

export function useChats() {
  return useQuery({ queryKey: chatsQueryKey, queryFn: chatsApi.list, refetchInterval: NEW_CHATS_POLL_MS });
}
