import { z } from 'zod';

/**
 * Relay's one rule for text from clients, applied at every edge (REST bodies, WebSocket frames,
 * the chat consumer's decoder): refuse, never silently rewrite. Control characters (NUL above
 * all: PostgreSQL cannot store it), the noncharacters U+FFFE/U+FFFF and ill-formed UTF-16 (a
 * lone surrogate) are refused. Single-line text refuses every control character; multi-line
 * text keeps tab, line feed and carriage return. The patterns show in OpenAPI, so clients see
 * the rule too.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters is the point
const SINGLE_LINE = /^[^\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters is the point
const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]*$/;
/** Something a reader sees: not only white space, format characters (zero-width space, joiners, BOM) or blank-looking fillers. */
const VISIBLE = /[^\p{White_Space}\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]/u;

const CONTROL_MESSAGE = 'must not contain control characters';
const WELL_FORMED_MESSAGE = 'must be well-formed Unicode';

/** Text on one line: names, titles. Trimmed; at least one visible character. */
export const singleLineText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(SINGLE_LINE, CONTROL_MESSAGE)
    .refine((value) => value.isWellFormed(), WELL_FORMED_MESSAGE)
    .refine((value) => VISIBLE.test(value), 'must not be empty');

/** Text that may span lines: a bio (may be empty), a message body (see `visibleText`). */
export const multiLineText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(MULTI_LINE, CONTROL_MESSAGE)
    .refine((value) => value.isWellFormed(), WELL_FORMED_MESSAGE);

/** Multi-line text with at least one visible character (a message of only zero-width spaces is no message). */
export const visibleText = (max: number) =>
  multiLineText(max).refine((value) => VISIBLE.test(value), 'must contain visible text');

/** Ids chosen by clients or servers and echoed in URLs and frames: printable ASCII, no spaces. */
export const opaqueId = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');
