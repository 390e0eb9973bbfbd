import { z } from 'zod';

/**
 * Relay's one rule for text from clients, applied at every edge (REST bodies, WebSocket frames,
 * the chat consumer's decoder): refuse, never silently rewrite. Control characters (NUL above
 * all: PostgreSQL cannot store it), the noncharacters U+FFFE/U+FFFF and ill-formed UTF-16 (a
 * lone surrogate) are refused. Single-line text refuses every control character; multi-line
 * text keeps tab, line feed and carriage return. Every check reads the text as sent and only then
 * is it trimmed, so the lengths and patterns OpenAPI shows are exactly the ones enforced.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters is the point
const SINGLE_LINE = /^[^\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters is the point
const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]*$/;
/**
 * Something a reader sees: a character that is not white space, an invisible format character
 * (zero-width space, joiners, direction marks, BOM, variation selectors) or a blank-looking filler.
 * Spelled without `\s` or `\p{…}` so that it means the same in OpenAPI's pattern for every client.
 */
const VISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: invisible code points listed one by one on purpose, the combining grapheme joiner U+034F among them
  /[^\t\n\v\f\r \u00A0\u00AD\u034F\u061C\u115F\u1160\u1680\u17B4\u17B5\u180B-\u180F\u2000-\u200F\u2028-\u202F\u205F-\u206F\u2800\u3000\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]/;

const CONTROL_MESSAGE = 'must not contain control characters';
const WELL_FORMED_MESSAGE = 'must be well-formed Unicode';

/** Length and control characters checked as sent, then (optionally) visibility, well-formedness, and trimmed. */
function text(max: number, allowed: RegExp, emptyMessage?: string) {
  const bounded = z.string().max(max).regex(allowed, CONTROL_MESSAGE);
  const visible = emptyMessage === undefined ? bounded : bounded.regex(VISIBLE, emptyMessage);
  return visible.refine((value) => value.isWellFormed(), WELL_FORMED_MESSAGE).trim();
}

/** Text on one line: names, titles. At least one visible character; trimmed. */
export const singleLineText = (max: number) => text(max, SINGLE_LINE, 'must not be empty');

/** Text that may span lines and may be empty: a bio. Trimmed. */
export const multiLineText = (max: number) => text(max, MULTI_LINE);

/** Multi-line text with at least one visible character (a message of only zero-width spaces is no message). */
export const visibleText = (max: number) => text(max, MULTI_LINE, 'must contain visible text');

/** Ids chosen by clients or servers and echoed in URLs and frames: printable ASCII, no spaces. */
export const opaqueId = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');
