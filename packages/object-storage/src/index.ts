export { objectStorageOptions, s3Env } from './env.ts';
export { ObjectNotFound, ObjectStorage, type ObjectStorageOptions } from './object-storage.ts';
