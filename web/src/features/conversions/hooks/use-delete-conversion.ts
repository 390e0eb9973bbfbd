import { useMutation, useQueryClient } from '@tanstack/react-query';
import { conversionsApi } from '../api/conversions-api.ts';
import { conversionsCache } from './conversions-cache.ts';

export function useDeleteConversion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: conversionsApi.remove,
    onSuccess: (_nothing, id) => conversionsCache.remove(queryClient, id),
  });
}
