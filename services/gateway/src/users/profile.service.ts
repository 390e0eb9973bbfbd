import { randomUUID } from 'node:crypto';
import type { UpdateProfileBody, UserProfile } from '@relay/contracts';
import type { ObjectStorage } from '@relay/object-storage';
import { CommonErrorCode, commonError } from '@relay/platform';
import type { PhotoUploadRateLimiter } from './photo.rate-limit.ts';
import { PHOTO_SIZE_NAMES, type PhotoLinks, photoObjectKey } from './photo-links.ts';
import { renderPhoto } from './photos.service.ts';
import type { User, UsersRepository } from './users.repository.ts';

/** The signed-in user's own profile and photo. */
export class ProfileService {
  readonly #users: UsersRepository;
  readonly #storage: ObjectStorage;
  readonly #uploads: PhotoUploadRateLimiter;
  readonly #photoLinks: PhotoLinks;

  constructor(
    users: UsersRepository,
    storage: ObjectStorage,
    uploads: PhotoUploadRateLimiter,
    photoLinks: PhotoLinks,
  ) {
    this.#users = users;
    this.#storage = storage;
    this.#uploads = uploads;
    this.#photoLinks = photoLinks;
  }

  async get(userId: string): Promise<UserProfile> {
    return this.#present(await this.#existing(userId));
  }

  async update(userId: string, changes: UpdateProfileBody): Promise<UserProfile> {
    const user = await this.#users.updateProfile(userId, changes);
    return this.#present(user ?? (await this.#existing(userId)));
  }

  /**
   * Counts the upload against the user's rate before reading a byte of it, renders it, stores the
   * new renditions, then switches the pointer, then deletes the old ones.
   */
  async setPhoto(userId: string, readUpload: () => Promise<Buffer>): Promise<UserProfile> {
    await this.#uploads.consume(userId);
    await this.#existing(userId);
    const renditions = await renderPhoto(await readUpload());
    // A random segment makes the key unguessable and every version a new object (no stale caches).
    const prefix = `users/${userId}/photos/${randomUUID()}`;
    await Promise.all(
      PHOTO_SIZE_NAMES.map((size) =>
        this.#storage.put(photoObjectKey(prefix, size), renditions[size], 'image/webp'),
      ),
    );
    const previous = await this.#users.replacePhotoKey(userId, prefix);
    await this.#deletePhoto(previous);
    return this.get(userId);
  }

  async removePhoto(userId: string): Promise<UserProfile> {
    await this.#existing(userId);
    await this.#deletePhoto(await this.#users.replacePhotoKey(userId, null));
    return this.get(userId);
  }

  async #deletePhoto(prefix: string | null): Promise<void> {
    if (prefix !== null)
      await this.#storage.delete(PHOTO_SIZE_NAMES.map((size) => photoObjectKey(prefix, size)));
  }

  async #existing(userId: string): Promise<User> {
    const user = await this.#users.findById(userId);
    if (user === undefined) {
      throw commonError(CommonErrorCode.NotFound, { detail: 'No such user.' });
    }
    return user;
  }

  async #present(user: User): Promise<UserProfile> {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      bio: user.bio,
      photo: user.photoKey === null ? null : await this.#photoLinks.all(user.photoKey),
      createdAt: user.createdAt.toISOString(),
    };
  }
}
