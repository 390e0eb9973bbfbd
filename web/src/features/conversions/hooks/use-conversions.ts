import { useInfiniteQuery } from '@tanstack/react-query';
import { conversionsApi } from '../api/conversions-api.ts';
import { keepNewerJobs } from './conversions-cache.ts';
import { conversionsQueryKey } from './conversions-query-key.ts';

/** The job history, newest first, a page at a time. */
export function useConversions() {
  return useInfiniteQuery({
    queryKey: conversionsQueryKey,
    queryFn: ({ pageParam }) => conversionsApi.page(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    structuralSharing: keepNewerJobs,
  });
}
