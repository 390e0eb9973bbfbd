import type { TargetFormat } from '@relay/contracts';
import { useId } from 'react';
import { Button } from '../../../design/button.tsx';
import { ProgressBar } from '../../../design/progress-bar.tsx';
import type { PendingFile } from '../hooks/use-pending-files.ts';
import { formatLabel } from './format-label.ts';

interface PendingFileRowProps {
  pending: PendingFile;
  targets: readonly TargetFormat[];
  tooLarge: boolean;
  onChange: (choice: { target?: TargetFormat; pdfa?: boolean }) => void;
  onRemove: () => void;
}

/** One picked file: its target (only those its format converts to), PDF/A for PDFs, its upload. */
export function PendingFileRow({ pending, targets, tooLarge, onChange, onRemove }: PendingFileRowProps) {
  const id = useId();
  const { file, target, uploading } = pending;
  const problem =
    pending.error ??
    (targets.length === 0 ? 'Relay cannot convert this kind of file.' : undefined) ??
    (tooLarge ? 'This file is too large.' : undefined);

  return (
    <li className="pending-file">
      <div className="pending-file__name">{file.name}</div>
      {targets.length > 0 && (
        <div className="pending-file__choices">
          <label className="field" htmlFor={`${id}-target`}>
            <span className="field__label">Convert {file.name} to</span>
            <select
              id={`${id}-target`}
              className="field__control"
              value={target}
              disabled={uploading}
              onChange={(event) => onChange({ target: event.target.value as TargetFormat })}
            >
              {targets.map((option) => (
                <option key={option} value={option}>
                  {formatLabel(option)}
                </option>
              ))}
            </select>
          </label>
          {target === 'pdf' && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={pending.pdfa}
                disabled={uploading}
                onChange={(event) => onChange({ pdfa: event.target.checked })}
              />
              PDF/A (for archiving)
            </label>
          )}
        </div>
      )}
      {uploading && <ProgressBar fraction={pending.progress} label={`Uploading ${file.name}`} />}
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {!uploading && (
        <Button
          variant="ghost"
          className="pending-file__remove"
          aria-label={`Remove ${file.name}`}
          onClick={onRemove}
        >
          Remove
        </Button>
      )}
    </li>
  );
}
