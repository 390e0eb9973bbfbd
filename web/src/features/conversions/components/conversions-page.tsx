import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { Card } from '../../../design/card.tsx';
import { Skeleton } from '../../../design/spinner.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { useConversionFormats } from '../hooks/use-conversion-formats.ts';
import { useLiveConversionStatus } from '../hooks/use-live-conversion-status.ts';
import { JobList } from './job-list.tsx';
import { UploadForm } from './upload-form.tsx';
import './conversions.css';

export function ConversionsPage() {
  const { reconnecting } = useLiveConversionStatus();
  const formats = useConversionFormats();
  return (
    <div className="page page--narrow">
      <div className="page__header">
        <h1>Conversions</h1>
        <p className="muted">Turn documents, spreadsheets, slides and images into PDF and other formats.</p>
      </div>
      <Card>
        {formats.isPending && <Skeleton height="8rem" />}
        {formats.isError && (
          <Banner tone="error">
            {errorMessage(formats.error)}
            <div>
              <Button variant="secondary" onClick={() => void formats.refetch()}>
                Try again
              </Button>
            </div>
          </Banner>
        )}
        {formats.isSuccess && <UploadForm formats={formats.data} />}
      </Card>
      <section className="stack" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {reconnecting && <Banner tone="warning">Reconnecting… Statuses update again once connected.</Banner>}
        <JobList />
      </section>
    </div>
  );
}
