import { TEXT_PATTERNS } from '@relay/contracts';

/** One text field's rule: the value to send, or the message of the first check it breaks. */
export type Field = (raw: string) => { value: string } | { error: string };

/**
 * The contracts' rules for the public forms, in the order zod checks them and with its messages, without
 * zod: the sign-in page must render before zod loads. `auth-fields.test.ts` holds them to the schemas.
 */
const checked =
  (checks: [(value: string) => boolean, string][], parse: (raw: string) => string = (raw) => raw): Field =>
  (raw) => {
    const broken = checks.find(([passes]) => !passes(raw));
    return broken === undefined ? { value: parse(raw) } : { error: broken[1] };
  };

const atMost = (max: number): [(value: string) => boolean, string] => [
  (value) => value.length <= max,
  `must be at most ${max} characters`,
];

/** `Email`: zod's e-mail pattern, 254 characters, 64 before the @; sent trimmed and in lower case. */
export const email = checked(
  [
    [(value) => TEXT_PATTERNS.email.test(value), 'must be an e-mail address'],
    // The schema's own message covers its length check too.
    [(value) => value.length <= 254, 'must be an e-mail address'],
    [(value) => /^[^@]{1,64}@/.test(value), 'the part before @ must be at most 64 characters'],
  ],
  (raw) => raw.trim().toLowerCase(),
);

/** `Password` (sign-up, reset): 10 to 256 characters, not mostly spaces. */
export const newPassword = checked([
  [(value) => value.length >= 10, 'must be at least 10 characters'],
  atMost(256),
  [(value) => value.trim().length >= 10, 'must not be mostly spaces'],
]);

/** `LoginBody.password`: anything up to 256 characters, but something. */
export const password = checked([[(value) => value.length >= 1, 'must not be empty'], atMost(256)]);

/** `DisplayName`: one line of at most 80 characters with something visible; sent trimmed. */
export const displayName = checked(
  [
    atMost(80),
    [(value) => TEXT_PATTERNS.singleLine.test(value), 'must not contain control characters'],
    [(value) => TEXT_PATTERNS.visible.test(value), 'must not be empty'],
    [(value) => value.isWellFormed(), 'must be well-formed Unicode'],
  ],
  (raw) => raw.trim(),
);

/** `OneTimeToken`, from an e-mailed link: 20 to 128 printable ASCII characters. */
export const isOneTimeToken = (token: string) =>
  token.length >= 20 && token.length <= 128 && TEXT_PATTERNS.opaqueId.test(token);
