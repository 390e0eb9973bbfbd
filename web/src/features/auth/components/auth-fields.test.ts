import { LoginBody, OneTimeToken, ResetPasswordBody, SignupBody } from '@relay/contracts';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { formSchemaOptions } from '../../../lib/form-errors.ts';
import { displayName, email, type Field, isOneTimeToken, newPassword, password } from './auth-fields.ts';

/** What the contracts' schema says of one field: its parsed value, or the form's message for its first issue. */
function bySchema(schema: z.ZodType, body: Record<string, string>, field: string) {
  const result = schema.safeParse(body, formSchemaOptions);
  if (result.success) return { value: (result.data as Record<string, string>)[field] };
  const issue = result.error.issues.find((candidate) => candidate.path[0] === field);
  return issue === undefined
    ? { value: (schema.parse({ ...body }) as Record<string, string>)[field] }
    : { error: issue.message };
}

const VALID = { name: 'Ada', email: 'ada@example.com', password: 'a long enough one' };
const cases: [string, Field, z.ZodType, Record<string, string>, string[]][] = [
  [
    'email',
    email,
    SignupBody,
    VALID,
    [
      '',
      'ada',
      ' Ada@Example.com',
      'Ada@Example.COM',
      `${'a'.repeat(65)}@example.com`,
      `a@${'b'.repeat(250)}.com`,
      'a..b@example.com',
      'ada@example',
    ],
  ],
  [
    'password',
    newPassword,
    SignupBody,
    VALID,
    ['', 'short', ' '.repeat(12), `   ${'x'.repeat(9)}   `, 'x'.repeat(256), 'x'.repeat(257), 'ten chars!'],
  ],
  ['password', password, LoginBody, VALID, ['', ' ', 'x', 'x'.repeat(256), 'x'.repeat(257)]],
  [
    'name',
    displayName,
    SignupBody,
    VALID,
    ['', '   ', '\u200B\u200B', ' Ada ', 'a\u0007b', 'x'.repeat(80), 'x'.repeat(81), 'Ada\uD800', 'Zoë 🙂'],
  ],
  [
    'password',
    newPassword,
    ResetPasswordBody,
    { token: 't'.repeat(32), password: '' },
    ['', 'a long enough one'],
  ],
];

describe('the public forms’ fields', () => {
  it.each(
    cases.flatMap(([field, rule, schema, valid, inputs]) =>
      inputs.map((input) => [field, input, rule, schema, valid] as const),
    ),
  )('%s %j: as the contracts say', (field, input, rule, schema, valid) => {
    expect(rule(input)).toEqual(bySchema(schema, { ...valid, [field]: input }, field));
  });

  it.each([
    '',
    'x'.repeat(19),
    'x'.repeat(20),
    'x'.repeat(128),
    'x'.repeat(129),
    `${'x'.repeat(20)} `,
    'ä'.repeat(20),
  ])('token %j: as OneTimeToken says', (token) => {
    expect(isOneTimeToken(token)).toBe(OneTimeToken.safeParse(token).success);
  });
});
