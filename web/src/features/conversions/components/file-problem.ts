import type { ConversionFormats } from '@relay/contracts';
import { targetsForFile } from './targets-for-file.ts';

/** Why a picked file cannot be converted, and what its owner can do about it. */
export interface FileProblem {
  reason: string;
  fix: string;
}

const MEGABYTE = 1024 * 1024;

/** "25 MB", "2.4 MB", "812 KB": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < MEGABYTE) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const megabytes = bytes / MEGABYTE;
  return `${megabytes < 100 ? megabytes.toFixed(1).replace(/\.0$/, '') : Math.round(megabytes)} MB`;
}

/**
 * What keeps the gateway from converting this file, checked before upload with the same limits it
 * applies (its formats and size limit); undefined when the file can go.
 */
export function fileProblem(file: File, formats: ConversionFormats): FileProblem | undefined {
  if (targetsForFile(file.name, formats).length === 0) {
    const dot = file.name.lastIndexOf('.');
    const kinds = formats.formats.map((format) => format.source.toUpperCase()).join(', ');
    return {
      reason:
        dot < 0
          ? 'Relay cannot tell what kind of file this is: its name has no extension.'
          : `Relay cannot convert ${file.name.slice(dot).toLowerCase()} files.`,
      fix: `Save it in a format Relay reads (${kinds}), then add it again.`,
    };
  }
  if (file.size > formats.maxUploadBytes) {
    return {
      reason: `This file is ${formatBytes(file.size)}; Relay converts files up to ${formatBytes(formats.maxUploadBytes)}.`,
      fix: 'Make it smaller (compress its pictures or split it), then add it again.',
    };
  }
  if (file.size === 0) {
    return { reason: 'This file is empty.', fix: 'Add the file again once it has content.' };
  }
  return undefined;
}
