import { z } from 'zod';
import { MULTI_LINE, OPAQUE_ID, SINGLE_LINE, VISIBLE } from './patterns.ts';

/**
 * Relay's one rule for text from clients, applied at every edge (REST bodies, WebSocket frames,
 * the chat consumer's decoder): refuse, never silently rewrite. Control characters (NUL above
 * all: PostgreSQL cannot store it), the noncharacters U+FFFE/U+FFFF and ill-formed UTF-16 (a
 * lone surrogate) are refused. Single-line text refuses every control character; multi-line
 * text keeps tab, line feed and carriage return. Every check reads the text as sent and only then
 * is it trimmed, so the lengths and patterns OpenAPI shows are exactly the ones enforced.
 */
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
  z.string().min(1).max(max).regex(OPAQUE_ID, 'must be printable ASCII without spaces');
