import { open, readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import CFB from 'cfb';
import yauzl from 'yauzl';

/** Final reasons of a protected file: no password was given, or the one given does not open it. */
export const PASSWORD_NEEDED =
  'The file is password-protected. Upload it again with its password, or remove the password first.';
export const WRONG_PASSWORD =
  'The password is wrong: the file could not be opened with it. Upload it again with the right password.';

const CFB_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const ZIP_MAGIC = Buffer.from('504b0304', 'hex');
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** BIFF record type of FILEPASS: an encrypted workbook has it among its first records. */
const BIFF_FILEPASS = 0x002f;
/** FIB flag fEncrypted of a Word 97 document (bit 8 of the 16-bit flags at offset 0x0A). */
const WORD_ENCRYPTED_FLAG = 0x0100;

/**
 * Whether a file LibreOffice could not open is encrypted. LibreOffice only says "could not load" (it
 * never asks an interaction handler for the password when loaded through the API), so the file is
 * looked at directly: encrypted OOXML is a CFB container with an EncryptionInfo stream, encrypted ODF
 * names encryption data in its manifest, and Word/Excel/PowerPoint 97 mark it in their own streams.
 */
export async function isPasswordProtected(path: string): Promise<boolean> {
  const head = Buffer.alloc(8);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 8, 0);
  } finally {
    await file.close();
  }
  try {
    if (head.equals(CFB_MAGIC)) return compoundFileIsEncrypted(await readFile(path));
    if (head.subarray(0, 4).equals(ZIP_MAGIC))
      return (await odfManifest(path))?.includes('encryption-data') ?? false;
  } catch {
    // Damaged beyond reading: not something a password would fix.
  }
  return false;
}

function compoundFileIsEncrypted(content: Buffer): boolean {
  const container = CFB.read(content, { type: 'buffer' });
  const stream = (name: string) => {
    const entry = CFB.find(container, name);
    return entry?.content === undefined ? undefined : Buffer.from(entry.content as Uint8Array);
  };
  if (stream('EncryptionInfo') !== undefined || stream('EncryptedSummary') !== undefined) return true;
  const word = stream('WordDocument');
  if (word !== undefined && word.length > 0x0c) return (word.readUInt16LE(0x0a) & WORD_ENCRYPTED_FLAG) !== 0;
  const workbook = stream('Workbook') ?? stream('Book');
  if (workbook !== undefined) return biffHasFilePass(workbook);
  return false;
}

function biffHasFilePass(workbook: Buffer): boolean {
  let offset = 0;
  for (let record = 0; record < 32 && offset + 4 <= workbook.length; record++) {
    if (workbook.readUInt16LE(offset) === BIFF_FILEPASS) return true;
    offset += 4 + workbook.readUInt16LE(offset + 2);
  }
  return false;
}

/** META-INF/manifest.xml of a zip, or undefined; the zip was checked upstream, the size is capped anyway. */
function odfManifest(path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (openError, zip) => {
      if (openError !== null) return reject(openError);
      zip.on('error', reject);
      zip.on('end', () => resolve(undefined));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'META-INF/manifest.xml' || entry.uncompressedSize > MAX_MANIFEST_BYTES) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null) return reject(streamError);
          buffer(stream).then((content) => {
            zip.close();
            resolve(content.toString('utf8'));
          }, reject);
        });
      });
      zip.readEntry();
    });
  });
}
