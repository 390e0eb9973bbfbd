import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { EmptyState } from '../../../design/empty-state.tsx';
import { DocumentIcon } from '../../../design/icons.tsx';
import { Skeleton } from '../../../design/spinner.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { useConversions } from '../hooks/use-conversions.ts';
import { JobRow } from './job-row.tsx';

/** The history, newest first, with its statuses kept live by the page's socket. */
export function JobList() {
  const history = useConversions();
  if (history.isPending) {
    return (
      <div className="stack" role="status" aria-busy="true" aria-label="Loading conversions">
        <Skeleton height="3.5rem" />
        <Skeleton height="3.5rem" />
      </div>
    );
  }
  if (history.isError) {
    return (
      <Banner tone="error">
        {errorMessage(history.error)}
        <div>
          <Button variant="secondary" onClick={() => void history.refetch()}>
            Try again
          </Button>
        </div>
      </Banner>
    );
  }
  const jobs = history.data.pages.flatMap((page) => page.conversions);
  if (jobs.length === 0) {
    return (
      <EmptyState title="No conversions yet" icon={<DocumentIcon />}>
        Files you convert appear here with their progress, ready to download.
      </EmptyState>
    );
  }
  return (
    <>
      <ul className="jobs" aria-label="Conversions">
        {jobs.map((job) => (
          <JobRow key={job.id} job={job} />
        ))}
      </ul>
      {history.hasNextPage && (
        <Button
          variant="secondary"
          busy={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          Load more
        </Button>
      )}
    </>
  );
}
