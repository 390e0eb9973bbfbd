import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { AuthErrorCode, authError } from './auth.errors.ts';

export const PHOTO_SIZES = { small: 64, medium: 256, large: 1024 } as const;
export type PhotoSize = keyof typeof PHOTO_SIZES;

const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp']);
/**
 * Bounds decode work and memory: a file of a few kilobytes can claim tens of megapixels (a 6000 × 6000
 * 1-bit PNG costs ~160 ms to decode). A profile photo shown at 1024 px at most needs far less.
 */
const MAX_PHOTO_PIXELS = 25_000_000;

export type Renditions = Record<PhotoSize, Buffer>;

/**
 * Trusts the bytes, not the name or declared type: the format comes from magic bytes,
 * then the image is fully decoded and re-encoded, which drops EXIF and any payload.
 */
export async function renderPhoto(input: Buffer): Promise<Renditions> {
  const type = await fileTypeFromBuffer(input);
  if (type === undefined || !ACCEPTED.has(type.mime)) throw authError(AuthErrorCode.PhotoInvalid);
  await refuseOversized(input);
  try {
    const decoded = sharp(input, { failOn: 'truncated', limitInputPixels: MAX_PHOTO_PIXELS }).rotate();
    const entries = await Promise.all(
      (Object.entries(PHOTO_SIZES) as [PhotoSize, number][]).map(
        async ([size, pixels]) =>
          [
            size,
            await decoded
              .clone()
              .resize(pixels, pixels, { fit: 'cover', withoutEnlargement: false })
              .webp({ quality: 82 })
              .toBuffer(),
          ] as const,
      ),
    );
    return Object.fromEntries(entries) as Renditions;
  } catch {
    throw authError(
      AuthErrorCode.PhotoInvalid,
      'The photo could not be decoded: it is damaged or incomplete.',
    );
  }
}

/** Reads the dimensions from the image header alone (nothing is decoded) and refuses too many pixels. */
async function refuseOversized(input: Buffer): Promise<void> {
  let width: number;
  let height: number;
  try {
    ({ width, height } = await sharp(input).metadata());
  } catch {
    throw authError(AuthErrorCode.PhotoInvalid, 'The photo could not be read: its header is damaged.');
  }
  if (width * height <= MAX_PHOTO_PIXELS) return;
  const megapixels = (width * height) / 1_000_000;
  throw authError(
    AuthErrorCode.PhotoTooLarge,
    `The photo is ${width} × ${height} pixels (${megapixels.toFixed(1)} megapixels); a profile photo may have ` +
      `at most ${MAX_PHOTO_PIXELS / 1_000_000} megapixels (5000 × 5000, say). Scale it down and upload it again.`,
  );
}
