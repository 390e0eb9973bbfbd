import type { ConversionFormats, SourceFormat, TargetFormat } from '@relay/contracts';

/** Extensions people use that are not the format's own name. */
const EXTENSION_ALIASES: Readonly<Record<string, SourceFormat>> = {
  jpg: 'jpeg',
  htm: 'html',
  tif: 'tiff',
  markdown: 'md',
  heif: 'heic',
};

/**
 * The targets offered for a file, guessed from its extension (the gateway still decides by content);
 * empty when Relay reads no such format.
 */
export function targetsForFile(fileName: string, formats: ConversionFormats): readonly TargetFormat[] {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return [];
  const extension = fileName.slice(dot + 1).toLowerCase();
  const source = EXTENSION_ALIASES[extension] ?? extension;
  return formats.formats.find((format) => format.source === source)?.targets ?? [];
}
