import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { RedisClient } from '@relay/redis';

export interface PasswordVaultOptions {
  redis: RedisClient;
  /** CONVERT_PASSWORD_KEY: 32 bytes, base64. */
  key: string;
  /** Redis key prefix (the jobs prefix): tests and deployments keep theirs apart. */
  prefix: string;
  ttlSeconds: number;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The password of a protected upload between convert-api and the worker that opens the file: never
 * in PostgreSQL, the job's data or a log line. It waits in Redis, AES-256-GCM-encrypted with a key
 * from the environment (the conversion id bound in as associated data, so a ciphertext cannot be
 * moved to another job), under a TTL, and is deleted when the job ends or is deleted.
 */
export class PasswordVault {
  readonly #options: PasswordVaultOptions;
  readonly #key: Buffer;

  constructor(options: PasswordVaultOptions) {
    this.#options = options;
    this.#key = Buffer.from(options.key, 'base64');
  }

  async put(conversionId: string, password: string): Promise<void> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv).setAAD(Buffer.from(conversionId));
    const sealed = Buffer.concat([iv, cipher.update(password, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    await this.#options.redis.set(
      this.#redisKey(conversionId),
      sealed.toString('base64'),
      'EX',
      this.#options.ttlSeconds,
    );
  }

  /** The password, or undefined when none was kept or it expired (or cannot be opened with this key). */
  async get(conversionId: string): Promise<string | undefined> {
    const stored = await this.#options.redis.get(this.#redisKey(conversionId));
    if (stored === null) return undefined;
    const sealed = Buffer.from(stored, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, IV_BYTES))
        .setAAD(Buffer.from(conversionId))
        .setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      return undefined;
    }
  }

  async delete(conversionId: string): Promise<void> {
    await this.#options.redis.del(this.#redisKey(conversionId));
  }

  #redisKey(conversionId: string): string {
    return `${this.#options.prefix}:conversion-password:${conversionId}`;
  }
}
