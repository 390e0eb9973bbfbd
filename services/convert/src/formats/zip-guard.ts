import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** What a zip (OOXML/ODF) may declare before anyone opens it; all judged from its central directory alone. */
export interface ArchiveLimits {
  maxUncompressedBytes: number;
  maxEntries: number;
  maxRatio: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxUncompressedBytes: 200 * MiB,
  maxEntries: 10_000,
  maxRatio: 200,
};

// Small entries compress wildly (an XML part of repeated tags reaches 500:1) and cost nothing inflated.
const RATIO_CHECK_MIN_BYTES = MiB;

// An archive inside the package is a second, unchecked zip for whatever opens it next. Office files
// embed other office files (a chart's workbook in a docx), which are allowed: their size is bounded above.
const NESTED_ARCHIVE_NAME = /\.(zip|jar|7z|rar|gz|tgz|bz2|xz|zst|tar|cab)$/i;

const STORED = 0;
const DEFLATED = 8;

type ZipRefusal = { ok: false; code: 'archive_too_large' | 'archive_invalid'; detail: string };

/** A zip whose central directory passed the limits; entries are inflated only through readEntry, bounded. */
export interface CheckedZip {
  ok: true;
  /** Entry names in central-directory order. */
  names: readonly string[];
  readEntry(name: string, maxBytes: number): Promise<Buffer>;
  close(): void;
}

const tooLarge = (detail: string): ZipRefusal => ({ ok: false, code: 'archive_too_large', detail });
const invalid = (detail: string): ZipRefusal => ({ ok: false, code: 'archive_invalid', detail });

const formatBytes = (bytes: number) =>
  bytes >= MiB
    ? `${Math.round(bytes / MiB).toLocaleString('en')} MiB`
    : `${bytes.toLocaleString('en')} bytes`;

/**
 * Opens the zip at `path` and checks what its central directory declares (sizes, count, ratios, names),
 * reading only the end record and the directory: no entry is inflated here, so a bomb costs milliseconds.
 */
export async function openCheckedZip(
  path: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<CheckedZip | ZipRefusal> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (error) {
    return invalid(
      `The file is a damaged zip archive: its table of contents cannot be read (${reason(error)}).`,
    );
  }
  // The count is in the end record: a 100,000-entry package is refused before its directory is walked.
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    return tooLarge(
      `The archive holds ${zip.entryCount.toLocaleString('en')} files; at most ${limits.maxEntries.toLocaleString('en')} are accepted.`,
    );
  }
  const entries = new Map<string, Entry>();
  const names: string[] = [];
  const seen = new Set<string>();
  let totalUncompressed = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const refusal = checkEntry(entry, seen, limits);
      if (refusal) return closeWith(zip, refusal);
      totalUncompressed += entry.uncompressedSize;
      if (totalUncompressed > limits.maxUncompressedBytes) {
        return closeWith(
          zip,
          tooLarge(
            `The archive would unpack to more than ${formatBytes(limits.maxUncompressedBytes)}; it is refused unopened.`,
          ),
        );
      }
      entries.set(entry.fileName, entry);
      names.push(entry.fileName);
    }
  } catch (error) {
    // yauzl refuses absolute paths, `..` segments and backslashes itself, as errors.
    return closeWith(zip, invalid(`The zip archive's table of contents is not valid (${reason(error)}).`));
  }

  return {
    ok: true,
    names,
    readEntry: (name, maxBytes) => readBounded(zip, entries.get(name), name, maxBytes),
    close: () => zip.close(),
  };
}

function checkEntry(entry: Entry, seen: Set<string>, limits: ArchiveLimits): ZipRefusal | undefined {
  const name = entry.fileName;
  // OPC part names are case-insensitive: two spellings of one part mean two readers may disagree on it.
  const key = name.toLowerCase();
  if (seen.has(key)) return invalid(`The archive holds "${name}" twice.`);
  seen.add(key);
  if (NESTED_ARCHIVE_NAME.test(name)) return invalid(`The archive holds another archive, "${name}".`);
  if (entry.isEncrypted())
    return invalid(`The archive's entry "${name}" uses zip encryption, which documents never use.`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    return invalid(
      `The archive's entry "${name}" uses compression method ${entry.compressionMethod}, which documents never use.`,
    );
  }
  if (entry.uncompressedSize > limits.maxUncompressedBytes) {
    return tooLarge(
      `The archive's entry "${name}" would unpack to ${formatBytes(entry.uncompressedSize)}, more than the ${formatBytes(limits.maxUncompressedBytes)} accepted.`,
    );
  }
  if (
    entry.uncompressedSize > RATIO_CHECK_MIN_BYTES &&
    entry.uncompressedSize / Math.max(entry.compressedSize, 1) > limits.maxRatio
  ) {
    const ratio = Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1));
    return tooLarge(
      `The archive's entry "${name}" is compressed ${ratio.toLocaleString('en')}:1 (at most ${limits.maxRatio}:1 is accepted): a zip bomb.`,
    );
  }
  return undefined;
}

async function readBounded(zip: ZipFile, entry: Entry | undefined, name: string, maxBytes: number) {
  if (!entry) throw new Error(`no entry ${name}`);
  if (entry.uncompressedSize > maxBytes) throw new Error(`${name} declares ${entry.uncompressedSize} bytes`);
  // validateEntrySizes makes yauzl fail a stream that inflates past its declared size.
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) {
      stream.destroy();
      throw new Error(`${name} inflates past ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function closeWith(zip: ZipFile, refusal: ZipRefusal) {
  zip.close();
  return refusal;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
