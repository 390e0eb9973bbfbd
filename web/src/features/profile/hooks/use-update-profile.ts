import { useMutation, useQueryClient } from '@tanstack/react-query';
import { profileApi } from '../api/profile-api.ts';
import { profileQueryKey } from './profile-query-key.ts';

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: profileApi.update,
    onSuccess: (profile) => queryClient.setQueryData(profileQueryKey, profile),
  });
}
