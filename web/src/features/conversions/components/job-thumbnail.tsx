import type { Conversion, SourceFormat } from '@relay/contracts';
import { useRef } from 'react';
import { useSeen } from '../hooks/use-seen.ts';
import { useThumbnailUrl } from '../hooks/use-thumbnail-url.ts';

type FileKind = 'document' | 'sheet' | 'slides' | 'image';

const KIND: Record<SourceFormat, FileKind> = {
  doc: 'document',
  docx: 'document',
  odt: 'document',
  rtf: 'document',
  txt: 'document',
  md: 'document',
  html: 'document',
  xls: 'sheet',
  xlsx: 'sheet',
  ods: 'sheet',
  csv: 'sheet',
  ppt: 'slides',
  pptx: 'slides',
  odp: 'slides',
  png: 'image',
  jpeg: 'image',
  webp: 'image',
  avif: 'image',
  tiff: 'image',
  gif: 'image',
  heic: 'image',
};

/** What is drawn inside a page outline for each kind of file. */
const KIND_MARKS: Record<FileKind, string> = {
  document: 'M9 12h6M9 15h6M9 18h4',
  sheet: 'M8 11h8v7H8ZM8 14.5h8M12 11v7',
  slides: 'M8 11h8v5H8ZM12 16v2',
  image: 'm8 18 2.5-3.5 2 2.5 1.5-2 2 3ZM10 11.5h.01',
};

/** A page outline with its kind's marks; decorative: the row names the file. */
function FileKindIcon({ kind }: { kind: FileKind }) {
  return (
    <svg
      className="job__thumbnail-icon"
      data-kind={kind}
      width="24"
      height="24"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
    >
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Z" />
      <path d="M14 3v5h5" />
      <path d={KIND_MARKS[kind]} />
    </svg>
  );
}

/**
 * The result's first page in a box of fixed size (nothing moves when it arrives), loaded once the
 * row comes near the viewport; the file kind's icon until then, and for results without one.
 */
export function JobThumbnail({ job }: { job: Conversion }) {
  const box = useRef<HTMLDivElement>(null);
  const seen = useSeen(box);
  const url = useThumbnailUrl(job.thumbnailPath, seen);
  return (
    <div ref={box} className="job__thumbnail">
      {url === undefined ? (
        <FileKindIcon kind={KIND[job.sourceFormat]} />
      ) : (
        <img
          className="job__thumbnail-image"
          src={url}
          alt={`First page of ${job.resultName}`}
          decoding="async"
        />
      )}
    </div>
  );
}
