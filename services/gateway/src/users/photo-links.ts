import type { PhotoUrls } from '@relay/contracts';
import type { ObjectStorage } from '@relay/object-storage';
import { PHOTO_SIZES, type PhotoSize } from './photos.service.ts';

export const PHOTO_SIZE_NAMES = Object.keys(PHOTO_SIZES) as PhotoSize[];
export const photoObjectKey = (prefix: string, size: PhotoSize) => `${prefix}/${size}.webp`;

/** Time-limited links to a user's photo renditions: the bucket itself stays private. */
export class PhotoLinks {
  readonly #storage: ObjectStorage;
  readonly #ttlSeconds: number;

  constructor(storage: ObjectStorage, ttlSeconds: number) {
    this.#storage = storage;
    this.#ttlSeconds = ttlSeconds;
  }

  link(prefix: string, size: PhotoSize): Promise<string> {
    return this.#storage.presignedGetUrl(photoObjectKey(prefix, size), this.#ttlSeconds);
  }

  async all(prefix: string): Promise<PhotoUrls> {
    const [small, medium, large] = await Promise.all([
      this.link(prefix, 'small'),
      this.link(prefix, 'medium'),
      this.link(prefix, 'large'),
    ]);
    return {
      small,
      medium,
      large,
      expiresAt: new Date(Date.now() + this.#ttlSeconds * 1000).toISOString(),
    };
  }
}
