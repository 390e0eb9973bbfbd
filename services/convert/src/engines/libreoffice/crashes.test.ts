import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CrashedDocuments, sofficeAborted } from './crashes.ts';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'relay-crashes-test-'));
  directories.push(directory);
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

describe('LibreOffice crashes', () => {
  it("tells soffice's own abort (the document's doing) from a kill from outside", () => {
    const abort =
      "terminate called after throwing an instance of 'com::sun::star::container::NoSuchElementException'\nUnspecified Application Error\n\nFatal exception: Signal 6\nStack:";
    expect(sofficeAborted(abort)).toBe(true);
    expect(sofficeAborted('Fatal exception: Signal 11')).toBe(true);
    expect(sofficeAborted('INFO:unoserver:Started.\nERROR:unoserver:Looks like LibreOffice died.')).toBe(
      false,
    );
  });

  it('a document is final only when the same bytes abort an instance a second time, whatever its path', async () => {
    const crashed = new CrashedDocuments();
    expect(await crashed.recordAbort(await file('source.docx', 'same bytes'))).toBe(false);
    expect(await crashed.recordAbort(await file('other.docx', 'other bytes'))).toBe(false);
    expect(await crashed.recordAbort(await file('retry.docx', 'same bytes'))).toBe(true);
  });
});
