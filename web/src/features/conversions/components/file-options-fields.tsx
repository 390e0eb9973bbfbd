import { PdfaLevel } from '@relay/contracts';
import { useId, useState } from 'react';
import type { FileOptions } from '../hooks/use-pending-files.ts';
import type { OptionRules } from './option-rules.ts';
import { pagesProblem } from './page-ranges.ts';

/** The options chosen, in a few words for the closed disclosure: "PDF/A-2b · pages 1-3". */
export function optionsSummary(options: FileOptions, rules: OptionRules): string {
  return [
    rules.archivalReason === undefined && options.pdfa && `PDF/A-${options.pdfa}`,
    rules.archivalReason === undefined && options.pdfua && 'tagged',
    rules.pages && options.pages.trim() && `pages ${options.pages.trim()}`,
    rules.password && options.password && 'password',
  ]
    .filter(Boolean)
    .join(' · ');
}

interface FileOptionsFieldsProps {
  options: FileOptions;
  rules: OptionRules;
  disabled: boolean;
  showErrors: boolean;
  onChange: (options: Partial<FileOptions>) => void;
  /** For a combined PDF: pages of the result, one password for every file, no PDF/A or PDF/UA. */
  combined?: boolean;
}

/** The PDF options of a file (or of a combined PDF), each labelled, with its hint and error tied to it. */
export function FileOptionsFields(props: FileOptionsFieldsProps) {
  const { options, rules, disabled, onChange, combined = false } = props;
  const id = useId();
  const [left, setLeft] = useState(false);
  const pagesError = rules.pages ? pagesProblem(options.pages) : undefined;
  const showPagesError = pagesError !== undefined && (left || props.showErrors);
  const archival = rules.archivalReason === undefined;
  const reasonId = `${id}-archival-reason`;

  return (
    <div className="options__fields">
      {rules.pages && (
        <div className="field">
          <label className="field__label" htmlFor={`${id}-pages`}>
            Pages
          </label>
          <input
            id={`${id}-pages`}
            className="field__control"
            inputMode="text"
            autoComplete="off"
            placeholder="All"
            value={options.pages}
            disabled={disabled}
            aria-invalid={showPagesError || undefined}
            aria-describedby={`${id}-pages-hint${showPagesError ? ` ${id}-pages-error` : ''}`}
            data-pages
            onChange={(event) => onChange({ pages: event.target.value })}
            onBlur={() => setLeft(true)}
          />
          <span className="field__hint" id={`${id}-pages-hint`}>
            {combined ? 'Of the combined PDF, e.g. 1-3, 5' : 'e.g. 1-3, 5'}
          </span>
          {showPagesError && (
            <span className="field__error" id={`${id}-pages-error`}>
              {pagesError}
            </span>
          )}
        </div>
      )}
      {!combined && (
        <div className="field">
          <label className="field__label" htmlFor={`${id}-pdfa`}>
            PDF/A (for archiving)
          </label>
          <select
            id={`${id}-pdfa`}
            className="field__control"
            value={archival ? (options.pdfa ?? '') : ''}
            disabled={disabled || !archival}
            aria-describedby={archival ? undefined : reasonId}
            onChange={(event) => {
              const level = PdfaLevel.safeParse(event.target.value);
              onChange({ pdfa: level.success ? level.data : undefined });
            }}
          >
            <option value="">None</option>
            {PdfaLevel.options.map((level) => (
              <option key={level} value={level}>
                PDF/A-{level}
              </option>
            ))}
          </select>
        </div>
      )}
      {!combined && (
        <label className="checkbox options__tagged">
          <input
            type="checkbox"
            checked={archival && options.pdfua}
            disabled={disabled || !archival}
            aria-describedby={archival ? undefined : reasonId}
            onChange={(event) => onChange({ pdfua: event.target.checked })}
          />
          Tagged PDF (PDF/UA)
        </label>
      )}
      {!combined && !archival && (
        <p className="field__hint options__reason" id={reasonId}>
          {rules.archivalReason}
        </p>
      )}
      {rules.password && (
        <div className="field">
          <label className="field__label" htmlFor={`${id}-password`}>
            Password
          </label>
          <input
            id={`${id}-password`}
            className="field__control"
            type="password"
            autoComplete="off"
            value={options.password}
            disabled={disabled}
            aria-describedby={`${id}-password-hint`}
            onChange={(event) => onChange({ password: event.target.value })}
          />
          <span className="field__hint" id={`${id}-password-hint`}>
            {combined
              ? 'Only needed if a file is protected (one password opens them all). It is never stored.'
              : 'Only needed if the file is protected. It is never stored.'}
          </span>
        </div>
      )}
    </div>
  );
}
