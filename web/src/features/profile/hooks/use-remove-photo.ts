import { useMutation, useQueryClient } from '@tanstack/react-query';
import { profileApi } from '../api/profile-api.ts';
import { profileQueryKey } from './profile-query-key.ts';

export function useRemovePhoto() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: profileApi.removePhoto,
    onSuccess: (profile) => queryClient.setQueryData(profileQueryKey, profile),
  });
}
