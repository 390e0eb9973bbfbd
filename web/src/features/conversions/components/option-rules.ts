import { sourceForFile } from './targets-for-file.ts';

const IMAGES = ['png', 'jpeg', 'webp', 'avif', 'tiff', 'gif', 'heic'];
const WEB_PAGES = ['html', 'md'];
/** Kinds a password can protect; LibreOffice opens them with one. */
const PROTECTABLE = ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp'];

/** Which PDF options apply to a file, by the same rules as convert-api's conversion-options.ts. */
export interface OptionRules {
  /** Why PDF/A and PDF/UA do not apply, or undefined when they do. */
  archivalReason: string | undefined;
  /** An image converts to one page: choosing pages means nothing. */
  pages: boolean;
  password: boolean;
}

export function optionRules(fileName: string): OptionRules {
  const source = sourceForFile(fileName) ?? '';
  const image = IMAGES.includes(source);
  return {
    archivalReason: image
      ? 'An image becomes a plain PDF: PDF/A and tagged PDF are for office documents.'
      : WEB_PAGES.includes(source)
        ? 'HTML and Markdown print to a plain PDF: PDF/A and tagged PDF are for office documents.'
        : undefined,
    pages: !image,
    password: PROTECTABLE.includes(source),
  };
}
