import type { ConversionFormats } from '@relay/contracts';
import { type DragEvent, useRef, useState } from 'react';
import { Button } from '../../../design/button.tsx';
import { usePendingFiles } from '../hooks/use-pending-files.ts';
import { PendingFileRow } from './pending-file-row.tsx';
import { targetsForFile } from './targets-for-file.ts';

const MEGABYTE = 1024 * 1024;

/** Pick or drop several files, choose a target for each, then convert them all at once. */
export function UploadForm({ formats }: { formats: ConversionFormats }) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const pending = usePendingFiles((file) => targetsForFile(file.name, formats)[0]);
  const fits = (file: File) => file.size <= formats.maxUploadBytes;
  const convertible = pending.files.filter(
    ({ file, target, uploading }) => !uploading && target !== undefined && fits(file),
  );

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
        pending.convertAll(fits);
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
        <p className="field__hint">Up to {Math.floor(formats.maxUploadBytes / MEGABYTE)} MB each.</p>
      </fieldset>
      {pending.files.length > 0 && (
        <>
          <ul className="pending-files" aria-label="Files to convert">
            {pending.files.map((file) => (
              <PendingFileRow
                key={file.key}
                pending={file}
                targets={targetsForFile(file.file.name, formats)}
                tooLarge={!fits(file.file)}
                onChange={(choice) => pending.change(file.key, choice)}
                onRemove={() => pending.remove(file.key)}
              />
            ))}
          </ul>
          <div>
            <Button type="submit" disabled={convertible.length === 0}>
              Convert
            </Button>
          </div>
        </>
      )}
    </form>
  );
}
