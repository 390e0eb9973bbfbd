import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { AuthErrorCode, authError } from './auth.errors.ts';

export const PHOTO_SIZES = { small: 64, medium: 256, large: 1024 } as const;
export type PhotoSize = keyof typeof PHOTO_SIZES;

const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp']);
// Bounds decode work and memory: a tiny file can claim gigapixels (a decompression bomb).
const MAX_INPUT_PIXELS = 40_000_000;

export type Renditions = Record<PhotoSize, Buffer>;

/**
 * Trusts the bytes, not the name or declared type: the format comes from magic bytes,
 * then the image is fully decoded and re-encoded, which drops EXIF and any payload.
 */
export async function renderPhoto(input: Buffer): Promise<Renditions> {
  const type = await fileTypeFromBuffer(input);
  if (type === undefined || !ACCEPTED.has(type.mime)) throw authError(AuthErrorCode.PhotoInvalid);
  try {
    const decoded = sharp(input, { failOn: 'truncated', limitInputPixels: MAX_INPUT_PIXELS }).rotate();
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
