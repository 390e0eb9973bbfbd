import type { ConversionFormats } from '@relay/contracts';
import { type DragEvent, useId, useRef, useState } from 'react';
import { Button } from '../../../design/button.tsx';
import { usePendingFiles } from '../hooks/use-pending-files.ts';
import { fileProblem, formatBytes } from './file-problem.ts';
import { PendingFileRow } from './pending-file-row.tsx';
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

/** Pick or drop several files, choose a target for each, then convert them all at once. */
export function UploadForm({ formats }: { formats: ConversionFormats }) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const noteId = useId();
  const pending = usePendingFiles((file) => targetsForFile(file.name, formats)[0]);
  const convertible = (file: File) => fileProblem(file, formats) === undefined;
  const ready = pending.files.filter(
    ({ file, target, uploading }) => !uploading && target !== undefined && convertible(file),
  );
  const blocked = pending.files.filter(({ file }) => !convertible(file)).length;
  const note = leftOutNote(blocked, pending.files.length);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    pending.add([...event.dataTransfer.files]);
  };

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        pending.convertAll(convertible);
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
            {pending.files.map((file) => (
              <PendingFileRow
                key={file.key}
                pending={file}
                targets={targetsForFile(file.file.name, formats)}
                problem={fileProblem(file.file, formats)}
                onChange={(choice) => pending.change(file.key, choice)}
                onRemove={() => pending.remove(file.key)}
              />
            ))}
          </ul>
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
