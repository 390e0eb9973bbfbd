import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** The key names no object: callers answer 404 (or the like) rather than fail. */
export class ObjectNotFound extends Error {
  constructor(key: string, options?: ErrorOptions) {
    super(`no object at ${key}`, options);
    this.name = 'ObjectNotFound';
  }
}

export interface ObjectStorageOptions {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Local S3-API servers need path-style addressing; AWS S3 works with either. */
  forcePathStyle: boolean;
}

/** The one adapter every service uses for S3: the same code talks to AWS or the local server. */
export class ObjectStorage {
  readonly bucket: string;
  readonly #client: S3Client;

  constructor(options: ObjectStorageOptions) {
    this.bucket = options.bucket;
    this.#client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    });
  }

  /** Streams the body up in parts, so a large upload is never held in memory whole. */
  async put(key: string, body: Readable | Buffer | string, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
    });
    await upload.done();
  }

  async getBuffer(key: string): Promise<Buffer> {
    const result = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (result.Body === undefined) throw new Error(`object ${key} has no body`);
    return Buffer.from(await result.Body.transformToByteArray());
  }

  /** Throws ObjectNotFound when there is no such object (removed meanwhile, say). */
  async getStream(key: string): Promise<Readable> {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (result.Body === undefined) throw new Error(`object ${key} has no body`);
      return result.Body as Readable;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) {
        throw new ObjectNotFound(key, { cause: error });
      }
      throw error;
    }
  }

  /** A short-lived GET link; `downloadName` makes browsers save it under that name. */
  async presignedGetUrl(key: string, expiresInSeconds: number, downloadName?: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition:
        downloadName === undefined
          ? undefined
          : `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}`,
    });
    return getSignedUrl(this.#client, command, { expiresIn: expiresInSeconds });
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#client.send(
      new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
    );
  }

  /** Keys under `prefix` (up to 1,000): for clean-up checks and operators. */
  async listKeys(prefix: string): Promise<string[]> {
    const result = await this.#client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
    return (result.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
  }

  /** Creates the bucket unless it exists; returns whether it created it. */
  async ensureBucket(): Promise<boolean> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return false;
    } catch (error) {
      if (!(error instanceof S3ServiceException) || error.$metadata.httpStatusCode !== 404) throw error;
    }
    await this.#client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    return true;
  }

  /** Readiness: the bucket is reachable with our credentials. */
  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  close(): void {
    this.#client.destroy();
  }
}
