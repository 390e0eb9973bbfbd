import type { ConversionFormats } from '@relay/contracts';
import { type DragEvent, useEffect, useId, useRef, useState } from 'react';
import { Button } from '../../../design/button.tsx';
import { type PendingFile, usePendingFiles } from '../hooks/use-pending-files.ts';
import { CombinePanel } from './combine-panel.tsx';
import { fileProblem, formatBytes } from './file-problem.ts';
import { optionRules } from './option-rules.ts';
import { pagesProblem } from './page-ranges.ts';
import { optionsIdOf, PendingFileRow } from './pending-file-row.tsx';
import { targetsForFile } from './targets-for-file.ts';

/** Said beside Convert when picked files are left out, so what the button does is known. */
function leftOutNote(blocked: number, picked: number): string | undefined {
  if (blocked === 0) return undefined;
  if (blocked === picked)
    return blocked === 1
      ? 'This file cannot be converted: remove it, or add others.'
      : 'None of these files can be converted: remove them, or add others.';
  return blocked === 1
    ? '1 file cannot be converted and is left out.'
    : `${blocked} files cannot be converted and are left out.`;
}

/** Why these files cannot be joined into one PDF, or undefined when they can. */
function combineProblem(
  files: readonly PendingFile[],
  { maxUploadBytes: maxBytes, maxMergeFiles }: ConversionFormats,
): string | undefined {
  if (files.some(({ target }) => target !== 'pdf')) return 'To combine them, convert every file to PDF.';
  if (files.length > maxMergeFiles)
    return `Relay combines up to ${maxMergeFiles} files into one PDF; remove ${files.length - maxMergeFiles} to combine.`;
  const archival = files.some(
    ({ file, options }) =>
      optionRules(file.name).archivalReason === undefined && (options.pdfa !== undefined || options.pdfua),
  );
  if (archival)
    return 'PDF/A and tagged PDF do not survive joining: turn them off in each file’s options to combine.';
  const bytes = files.reduce((sum, { file }) => sum + file.size, 0);
  if (bytes > maxBytes)
    return `Together these files are ${formatBytes(bytes)}; Relay combines up to ${formatBytes(maxBytes)}.`;
  return undefined;
}

/** Opens the options `optionsId` and moves focus to their pages field, whose value is wrong. */
function focusField(container: HTMLElement | null, optionsId: string): void {
  const options = document.getElementById(optionsId);
  if (options instanceof HTMLDetailsElement) options.open = true;
  container?.querySelector<HTMLElement>(`#${CSS.escape(optionsId)} [data-pages]`)?.focus();
}

/**
 * Pick or drop several files, choose a target and PDF options for each (or combine them into one
 * PDF, in an order the owner sets), then convert them all at once.
 */
export function UploadForm({ formats }: { formats: ConversionFormats }) {
  const input = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const [dragging, setDragging] = useState(false);
  const [combine, setCombine] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [moved, setMoved] = useState<{ key: string; by: -1 | 1 } | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const noteId = useId();
  const pending = usePendingFiles((file) => targetsForFile(file.name, formats)[0]);
  const convertible = (file: File) => fileProblem(file, formats) === undefined;
  const candidates = pending.files.filter(({ file }) => convertible(file));
  const canOfferCombine = candidates.length >= 2;
  const combineReason = canOfferCombine ? combineProblem(candidates, formats) : undefined;
  const combining = canOfferCombine && combine && combineReason === undefined;
  const pagesWrong = ({ file, target, options }: PendingFile) =>
    !combining &&
    target === 'pdf' &&
    optionRules(file.name).pages &&
    pagesProblem(options.pages) !== undefined;
  const ready = candidates.filter(({ target, uploading }) => !uploading && target !== undefined);
  const blocked = pending.files.length - candidates.length;
  const note = leftOutNote(blocked, pending.files.length);

  // A moved row keeps focus on the button that moved it, or on its other one once at an end.
  useEffect(() => {
    if (moved === undefined) return;
    const row = form.current?.querySelector(`[data-key="${CSS.escape(moved.key)}"]`);
    const same = row?.querySelector<HTMLButtonElement>(`[data-move="${moved.by < 0 ? 'up' : 'down'}"]`);
    const other = row?.querySelector<HTMLButtonElement>(`[data-move="${moved.by < 0 ? 'down' : 'up'}"]`);
    (same && !same.disabled ? same : other)?.focus();
  }, [moved]);

  const onMove = (file: PendingFile, by: -1 | 1) => {
    const to = pending.files.findIndex(({ key }) => key === file.key) + by;
    pending.move(file.key, by);
    setMoved({ key: file.key, by });
    setAnnouncement(`${file.file.name} is now ${to + 1} of ${pending.files.length}.`);
  };

  const onSubmit = () => {
    setSubmitted(true);
    if (combining) {
      if (pagesProblem(pending.combined.pages) !== undefined) {
        focusField(form.current, 'combined-options');
        return;
      }
      pending.convertAll(({ file }) => convertible(file), true);
      return;
    }
    const wrong = candidates.find(pagesWrong);
    pending.convertAll((file) => convertible(file.file) && !pagesWrong(file), false);
    if (wrong) focusField(form.current, optionsIdOf(wrong.key));
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    pending.add([...event.dataTransfer.files]);
  };

  return (
    <form
      ref={form}
      className="stack upload-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <fieldset
        className={`drop-zone${dragging ? ' drop-zone--active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <legend className="visually-hidden">Add files</legend>
        <input
          ref={input}
          type="file"
          multiple
          aria-label="Files"
          className="visually-hidden"
          tabIndex={-1}
          onChange={(event) => {
            pending.add([...(event.target.files ?? [])]);
            // Cleared so picking the same file again adds it again.
            event.target.value = '';
          }}
        />
        <p>Drop documents, spreadsheets, slides or images here</p>
        <Button variant="secondary" onClick={() => input.current?.click()}>
          Choose files
        </Button>
        <p className="field__hint">Up to {formatBytes(formats.maxUploadBytes)} each.</p>
      </fieldset>
      {pending.files.length > 0 && (
        <>
          <ul className="pending-files" aria-label="Files to convert">
            {pending.files.map((file) => {
              const index = candidates.indexOf(file);
              return (
                <PendingFileRow
                  key={file.key}
                  pending={file}
                  targets={targetsForFile(file.file.name, formats)}
                  problem={fileProblem(file.file, formats)}
                  rules={optionRules(file.file.name)}
                  order={combining && index >= 0 ? { index, count: candidates.length } : undefined}
                  showErrors={submitted}
                  onChange={(choice) => pending.change(file.key, choice)}
                  onRemove={() => pending.remove(file.key)}
                  onMove={(by) => onMove(file, by)}
                  onRetry={() => pending.retry(file.key)}
                />
              );
            })}
          </ul>
          <p className="visually-hidden" role="status">
            {announcement}
          </p>
          {canOfferCombine && (
            <CombinePanel
              count={candidates.length}
              checked={combining}
              reason={combineReason}
              onCheckedChange={setCombine}
              options={pending.combined}
              password={candidates.some(({ file }) => optionRules(file.name).password)}
              upload={pending.combinedUpload}
              showErrors={submitted}
              onChange={pending.changeCombined}
              onRetry={onSubmit}
            />
          )}
          <div className="upload-form__submit">
            <Button
              type="submit"
              disabled={ready.length === 0}
              aria-describedby={note === undefined ? undefined : noteId}
            >
              Convert
            </Button>
            {note && (
              <p className="muted" id={noteId}>
                {note}
              </p>
            )}
          </div>
        </>
      )}
    </form>
  );
}
