export { objectStorageOptions, s3Env } from './env.ts';
export { ObjectStorage, type ObjectStorageOptions } from './object-storage.ts';
