import type { TargetFormat } from '@relay/contracts';
import { useId } from 'react';
import { Button } from '../../../design/button.tsx';
import { ArrowDownIcon } from '../../../design/icons.tsx';
import { ProgressBar } from '../../../design/progress-bar.tsx';
import type { FileOptions, PendingFile } from '../hooks/use-pending-files.ts';
import { FileOptionsFields, optionsSummary } from './file-options-fields.tsx';
import { type FileProblem, formatBytes } from './file-problem.ts';
import { formatLabel } from './format-label.ts';
import type { OptionRules } from './option-rules.ts';
import { UploadErrorNote } from './upload-error-note.tsx';

interface PendingFileRowProps {
  pending: PendingFile;
  targets: readonly TargetFormat[];
  /** Set when the file cannot be converted: it is then marked and left out of the upload. */
  problem: FileProblem | undefined;
  rules: OptionRules;
  /** Set while the files are combined into one PDF: its place, and moving it, instead of its own options. */
  order: { index: number; count: number } | undefined;
  /** Show a wrong pages value even before the field was left (Convert was pressed). */
  showErrors: boolean;
  onChange: (choice: { target?: TargetFormat; options?: Partial<FileOptions> }) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
  onRetry: () => void;
}

/** The DOM id of a file's options, for the form to open them and focus a wrong field. */
export const optionsIdOf = (key: string) => `pending-options-${key}`;

/** One picked file: its name once, its target, its PDF options, its upload or its problem. */
export function PendingFileRow(props: PendingFileRowProps) {
  const { pending, targets, problem, rules, order, onChange, onRemove, onMove, onRetry } = props;
  const id = useId();
  const { file, target, uploading } = pending;
  const summary = optionsSummary(pending.options, rules);

  return (
    <li
      className={`pending-file${problem ? ' pending-file--blocked' : ''}`}
      aria-label={file.name}
      aria-describedby={problem ? `${id}-problem` : undefined}
      data-key={pending.key}
    >
      <div className="pending-file__line">
        <span className="pending-file__file">
          {order && (
            <span className="pending-file__position" aria-hidden>
              {order.index + 1}
            </span>
          )}
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
            {order && !uploading && (
              <span className="pending-file__moves">
                <Button
                  variant="ghost"
                  className="icon-button pending-file__move pending-file__move--up"
                  aria-label={`Move ${file.name} up`}
                  data-move="up"
                  disabled={order.index === 0}
                  onClick={() => onMove(-1)}
                >
                  <ArrowDownIcon />
                </Button>
                <Button
                  variant="ghost"
                  className="icon-button pending-file__move"
                  aria-label={`Move ${file.name} down`}
                  data-move="down"
                  disabled={order.index === order.count - 1}
                  onClick={() => onMove(1)}
                >
                  <ArrowDownIcon />
                </Button>
              </span>
            )}
          </div>
        )}
        <div className="pending-file__actions">
          {!uploading && (
            <Button variant="ghost" aria-label={`Remove ${file.name}`} onClick={onRemove}>
              Remove
            </Button>
          )}
        </div>
      </div>
      {problem === undefined && target === 'pdf' && order === undefined && (
        <details className="options" id={optionsIdOf(pending.key)}>
          <summary className="options__summary">
            Options<span className="visually-hidden"> for {file.name}</span>
            {summary && <span className="muted options__chosen">{summary}</span>}
          </summary>
          <FileOptionsFields
            options={pending.options}
            rules={rules}
            disabled={uploading}
            showErrors={props.showErrors}
            onChange={(options) => onChange({ options })}
          />
        </details>
      )}
      {uploading && order === undefined && (
        <ProgressBar fraction={pending.progress} label={`Uploading ${file.name}`} />
      )}
      {problem && (
        <p className="pending-file__problem" id={`${id}-problem`} role="alert">
          <strong>{problem.reason}</strong> {problem.fix}
        </p>
      )}
      {pending.error && <UploadErrorNote error={pending.error} onRetry={onRetry} />}
    </li>
  );
}
