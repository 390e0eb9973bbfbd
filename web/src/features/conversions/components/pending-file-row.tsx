import type { TargetFormat } from '@relay/contracts';
import { useId } from 'react';
import { Button } from '../../../design/button.tsx';
import { ProgressBar } from '../../../design/progress-bar.tsx';
import type { PendingFile } from '../hooks/use-pending-files.ts';
import { type FileProblem, formatBytes } from './file-problem.ts';
import { formatLabel } from './format-label.ts';

interface PendingFileRowProps {
  pending: PendingFile;
  targets: readonly TargetFormat[];
  /** Set when the file cannot be converted: it is then marked and left out of the upload. */
  problem: FileProblem | undefined;
  onChange: (choice: { target?: TargetFormat; pdfa?: boolean }) => void;
  onRemove: () => void;
}

/** One picked file on one line: its name once, its target, PDF/A for PDFs, its upload or its problem. */
export function PendingFileRow({ pending, targets, problem, onChange, onRemove }: PendingFileRowProps) {
  const id = useId();
  const { file, target, uploading } = pending;

  return (
    <li
      className={`pending-file${problem ? ' pending-file--blocked' : ''}`}
      aria-label={file.name}
      aria-describedby={problem ? `${id}-problem` : undefined}
    >
      <div className="pending-file__line">
        <span className="pending-file__file">
          <span className="pending-file__name">{file.name}</span>{' '}
          <span className="muted pending-file__size">{formatBytes(file.size)}</span>
        </span>
        {problem === undefined && (
          <div className="pending-file__choices">
            <label className="pending-file__target" htmlFor={`${id}-target`}>
              {/* The name is read with the label, not shown twice. */}
              <span className="visually-hidden">Convert {file.name} </span>to
            </label>
            <select
              id={`${id}-target`}
              className="field__control pending-file__select"
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
            {target === 'pdf' && (
              <label
                className="checkbox"
                title="A PDF for archiving: fonts embedded, nothing linked from outside"
              >
                <input
                  type="checkbox"
                  checked={pending.pdfa}
                  disabled={uploading}
                  onChange={(event) => onChange({ pdfa: event.target.checked })}
                />
                {/* Short, so a file fits one line; its purpose is in the title and read out. */}
                PDF/A<span className="visually-hidden"> (for archiving)</span>
              </label>
            )}
          </div>
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
      </div>
      {uploading && <ProgressBar fraction={pending.progress} label={`Uploading ${file.name}`} />}
      {problem && (
        <p className="pending-file__problem" id={`${id}-problem`} role="alert">
          <strong>{problem.reason}</strong> {problem.fix}
        </p>
      )}
      {pending.error && (
        <p className="field__error" role="alert">
          {pending.error}
        </p>
      )}
    </li>
  );
}
