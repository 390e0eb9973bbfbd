import { regexes } from 'zod';

// The patterns of Relay's text rules (`text.ts`), apart from the schemas so that a client can check a
// form with them without loading zod: the SPA's public pages.

// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters is the point
export const SINGLE_LINE = /^[^\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters is the point
export const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]*$/;
/**
 * Something a reader sees: a character that is not white space, an invisible format character
 * (zero-width space, joiners, direction marks, BOM, variation selectors) or a blank-looking filler.
 * Spelled without `\s` or `\p{…}` so that it means the same in OpenAPI's pattern for every client.
 */
export const VISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: invisible code points listed one by one on purpose, the combining grapheme joiner U+034F among them
  /[^\t\n\v\f\r \u00A0\u00AD\u034F\u061C\u115F\u1160\u1680\u17B4\u17B5\u180B-\u180F\u2000-\u200F\u2028-\u202F\u205F-\u206F\u2800\u3000\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]/;

export const OPAQUE_ID = /^[\x21-\x7E]+$/;

/** For clients that check without zod; `email` is the pattern `z.email()` checks. */
export const TEXT_PATTERNS = {
  singleLine: SINGLE_LINE,
  visible: VISIBLE,
  opaqueId: OPAQUE_ID,
  email: regexes.email,
} as const;
