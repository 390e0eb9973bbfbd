import { secret } from '@relay/platform';
import { z } from 'zod';
import type { ObjectStorageOptions } from './object-storage.ts';

/** The S3 variables, shared by every service that stores objects. */
export const s3Env = {
  S3_ENDPOINT: z.url().default('http://127.0.0.1:9000'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).default('relay'),
  S3_ACCESS_KEY_ID: secret(z.string().min(1)),
  S3_SECRET_ACCESS_KEY: secret(z.string().min(1)),
  S3_FORCE_PATH_STYLE: z.stringbool().default(true),
};

type S3Env = { [Key in keyof typeof s3Env]: z.infer<(typeof s3Env)[Key]> };

export function objectStorageOptions(env: S3Env): ObjectStorageOptions {
  return {
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  };
}
