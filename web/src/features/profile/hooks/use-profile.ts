import type { UserProfile } from '@relay/contracts';
import { useQuery } from '@tanstack/react-query';
import { profileApi } from '../api/profile-api.ts';
import { profileQueryKey } from './profile-query-key.ts';

const PHOTO_URL_MARGIN_MS = 60_000;
const MIN_REFETCH_MS = 30_000;
const MAX_REFETCH_MS = 60 * 60_000;

/** The signed-in user's profile. Refetched before its presigned photo URLs expire, so avatars keep showing. */
export function useProfile() {
  return useQuery({
    queryKey: profileQueryKey,
    queryFn: profileApi.get,
    staleTime: 60_000,
    refetchInterval: (query) => photoUrlsRefreshIn(query.state.data),
  });
}

function photoUrlsRefreshIn(profile: UserProfile | undefined): number | false {
  if (profile?.photo == null) return false;
  const untilExpiry = Date.parse(profile.photo.expiresAt) - Date.now();
  return Math.min(MAX_REFETCH_MS, Math.max(MIN_REFETCH_MS, untilExpiry - PHOTO_URL_MARGIN_MS));
}
