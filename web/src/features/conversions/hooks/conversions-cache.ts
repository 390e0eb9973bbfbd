import type { Conversion, ConversionPage, ConversionStatusChanged } from '@relay/contracts';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { conversionsQueryKey } from './conversions-query-key.ts';

type Pages = InfiniteData<ConversionPage, string | undefined>;

function mapJobs(queryClient: QueryClient, map: (jobs: Conversion[]) => Conversion[]): void {
  queryClient.setQueryData<Pages>(conversionsQueryKey, (data) =>
    data === undefined
      ? data
      : { ...data, pages: data.pages.map((page) => ({ ...page, conversions: map(page.conversions) })) },
  );
}

const isListed = (queryClient: QueryClient, id: string): boolean =>
  queryClient
    .getQueryData<Pages>(conversionsQueryKey)
    ?.pages.some((page) => page.conversions.some((job) => job.id === id)) === true;

/**
 * The history query's merge of what it is given (a refetch, a cache write): per job, the newer
 * `updatedAt` wins, so a refetch answered from before a status frame cannot set a failed or done
 * job back to converting (no later frame would come to mend it).
 */
export function keepNewerJobs(previous: unknown, next: unknown): unknown {
  const old = previous as Pages | undefined;
  const fresh = next as Pages | undefined;
  if (old === undefined || fresh === undefined) return fresh;
  const known = new Map(old.pages.flatMap((page) => page.conversions).map((job) => [job.id, job]));
  const newer = (job: Conversion) => {
    const seen = known.get(job.id);
    return seen !== undefined && Date.parse(seen.updatedAt) > Date.parse(job.updatedAt) ? seen : job;
  };
  return {
    ...fresh,
    pages: fresh.pages.map((page) => ({ ...page, conversions: page.conversions.map(newer) })),
  };
}

/** Writes to the cached history, so a job's row changes without a refetch. */
export const conversionsCache = {
  /** A job just accepted goes on top, unless its first status frame already brought it in. */
  add(queryClient: QueryClient, job: Conversion): void {
    if (isListed(queryClient, job.id)) return;
    queryClient.setQueryData<Pages>(conversionsQueryKey, (data) => {
      const [first, ...rest] = data?.pages ?? [];
      if (data === undefined || first === undefined) return data;
      return { ...data, pages: [{ ...first, conversions: [job, ...first.conversions] }, ...rest] };
    });
  },

  /** A status frame: the row follows; a job this tab has not listed (another tab's upload) is fetched. */
  applyStatus(queryClient: QueryClient, change: ConversionStatusChanged): void {
    if (!isListed(queryClient, change.conversionId)) {
      void queryClient.invalidateQueries({ queryKey: conversionsQueryKey });
      return;
    }
    mapJobs(queryClient, (jobs) =>
      jobs.map((job) =>
        job.id === change.conversionId && Date.parse(change.at) >= Date.parse(job.updatedAt)
          ? {
              ...job,
              status: change.status,
              reason: change.reason ?? job.reason,
              downloadPath: change.downloadPath ?? job.downloadPath,
              thumbnailPath: change.thumbnailPath ?? job.thumbnailPath,
              updatedAt: change.at,
            }
          : job,
      ),
    );
  },

  remove(queryClient: QueryClient, id: string): void {
    mapJobs(queryClient, (jobs) => jobs.filter((job) => job.id !== id));
  },
};
