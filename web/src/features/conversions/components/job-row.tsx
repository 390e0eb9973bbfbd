import type { Conversion, ConversionStatus } from '@relay/contracts';
import { useState } from 'react';
import { Button } from '../../../design/button.tsx';
import { Dialog } from '../../../design/dialog.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { useDeleteConversion } from '../hooks/use-delete-conversion.ts';
import { useDownloadConversion } from '../hooks/use-download-conversion.ts';
import { formatLabel } from './format-label.ts';
import { JobThumbnail } from './job-thumbnail.tsx';
import { pagesLabel } from './page-ranges.ts';

const STATUS_TEXT: Record<ConversionStatus, string> = {
  queued: 'Queued',
  converting: 'Converting',
  done: 'Done',
  failed: 'Failed',
  expired: 'Expired',
};

/** What a job was made with, in a few words: "PDF/A-2b · pages 2-3 · 3 files combined". */
function optionsOf(job: Conversion): string {
  return [
    job.pdfa && `PDF/A-${job.pdfa}`,
    job.pdfua && 'Tagged (PDF/UA)',
    job.pages && `pages ${pagesLabel(job.pages)}`,
    job.sources.length > 1 && `${job.sources.length} files combined`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One job of the history: its live status, its result or why it failed, and delete. */
export function JobRow({ job }: { job: Conversion }) {
  const [confirming, setConfirming] = useState(false);
  const download = useDownloadConversion();
  const remove = useDeleteConversion();
  const error = download.error ?? remove.error;
  const options = optionsOf(job);

  return (
    <li className="job" aria-label={job.sourceName}>
      <div className="job__line">
        <JobThumbnail job={job} />
        <span className="job__name">{job.sourceName}</span>
        <span className="muted">to {formatLabel(job.target)}</span>
        <span className={`job__status job__status--${job.status}`}>{STATUS_TEXT[job.status]}</span>
        <div className="job__actions">
          {job.status === 'done' && job.downloadPath !== null && (
            <Button
              variant="secondary"
              busy={download.isPending}
              aria-label={`Download ${job.resultName}`}
              onClick={() =>
                download.mutate({ downloadPath: job.downloadPath as string, resultName: job.resultName })
              }
            >
              Download
            </Button>
          )}
          <Button variant="ghost" aria-label={`Delete ${job.sourceName}`} onClick={() => setConfirming(true)}>
            Delete
          </Button>
        </div>
      </div>
      {options && <p className="job__options muted">{options}</p>}
      {job.sources.length > 1 && (
        <ol className="job__sources" aria-label="Combined from">
          {job.sources.map((source, index) => (
            // The same file may be joined twice: its place tells them apart.
            // biome-ignore lint/suspicious/noArrayIndexKey: the sources never reorder
            <li key={index}>{source.name}</li>
          ))}
        </ol>
      )}
      {job.status === 'failed' && job.reason && <p className="job__reason">{job.reason}</p>}
      {error && (
        <p className="field__error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      <Dialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Delete ${job.sourceName}?`}
        description="The original and its converted file are removed for good."
        actions={
          <>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              busy={remove.isPending}
              onClick={() => remove.mutate(job.id, { onSettled: () => setConfirming(false) })}
            >
              Delete
            </Button>
          </>
        }
      />
    </li>
  );
}
