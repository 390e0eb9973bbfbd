import { Button } from '../../../design/button.tsx';
import type { UploadError } from '../hooks/use-pending-files.ts';

/** Why the gateway refused an upload, in its own words; Retry when waiting can cure it. */
export function UploadErrorNote({ error, onRetry }: { error: UploadError; onRetry: () => void }) {
  return (
    <div className="upload-error">
      <p className="field__error" role="alert">
        {error.message}
      </p>
      {error.retry && (
        <Button variant="secondary" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}
