import { useId } from 'react';
import { ProgressBar } from '../../../design/progress-bar.tsx';
import type { CombinedOptions, CombinedUpload } from '../hooks/use-pending-files.ts';
import { FileOptionsFields } from './file-options-fields.tsx';
import { UploadErrorNote } from './upload-error-note.tsx';

interface CombinePanelProps {
  /** How many files would be joined. */
  count: number;
  checked: boolean;
  /** Why the files cannot be combined now; the choice is then disabled. */
  reason: string | undefined;
  onCheckedChange: (checked: boolean) => void;
  options: CombinedOptions;
  /** Whether any of the files can be password-protected. */
  password: boolean;
  upload: CombinedUpload;
  showErrors: boolean;
  onChange: (options: Partial<CombinedOptions>) => void;
  onRetry: () => void;
}

/** Joining the picked files into one PDF: the choice, the combined PDF's options and its one upload. */
export function CombinePanel(props: CombinePanelProps) {
  const { count, checked, reason, upload } = props;
  const id = useId();
  return (
    <div className="combine">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked}
          disabled={reason !== undefined || upload.uploading}
          aria-describedby={`${id}-note`}
          onChange={(event) => props.onCheckedChange(event.target.checked)}
        />
        Combine into one PDF
      </label>
      <p className="field__hint combine__note" id={`${id}-note`}>
        {reason ??
          (checked
            ? `The ${count} files are joined in the order listed; move them to change it.`
            : `Join the ${count} files into one PDF, in the order listed.`)}
      </p>
      {checked && (
        <details className="options" id="combined-options">
          <summary className="options__summary">
            Options<span className="visually-hidden"> for the combined PDF</span>
            {props.options.pages.trim() && (
              <span className="muted options__chosen">pages {props.options.pages.trim()}</span>
            )}
          </summary>
          <FileOptionsFields
            combined
            options={{ ...props.options, pdfa: undefined, pdfua: false }}
            rules={{ archivalReason: undefined, pages: true, password: props.password }}
            disabled={upload.uploading}
            showErrors={props.showErrors}
            onChange={({ pages, password }) => props.onChange({ pages, password })}
          />
        </details>
      )}
      {upload.uploading && (
        <ProgressBar fraction={upload.progress} label={`Uploading ${count} files to combine`} />
      )}
      {upload.error && <UploadErrorNote error={upload.error} onRetry={props.onRetry} />}
    </div>
  );
}
