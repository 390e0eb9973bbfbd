import { describe, expect, it } from 'vitest';
import { ChatTitle, MessageBody } from './events.ts';
import { DisplayName, UpdateProfileBody } from './users.ts';

const refused = (schema: { safeParse: (value: unknown) => { success: boolean } }, value: unknown) =>
  !schema.safeParse(value).success;

describe('the text rule', () => {
  it('refuses NUL and other control characters in every text field', () => {
    for (const bad of ['a\u0000b', 'a\u0007b', 'a\u001Bb', 'a\u007Fb', 'a\u0085b', 'a\uFFFFb']) {
      expect(refused(DisplayName, bad), JSON.stringify(bad)).toBe(true);
      expect(refused(ChatTitle, bad), JSON.stringify(bad)).toBe(true);
      expect(refused(MessageBody, bad), JSON.stringify(bad)).toBe(true);
      expect(refused(UpdateProfileBody, { bio: bad }), JSON.stringify(bad)).toBe(true);
    }
  });

  it('refuses a lone surrogate (text that is not well-formed Unicode)', () => {
    expect(refused(MessageBody, 'broken \uD800 pair')).toBe(true);
    expect(refused(DisplayName, '\uDC00')).toBe(true);
  });

  it('keeps line breaks and tabs in multi-line text only', () => {
    expect(MessageBody.parse('line one\n\tline two\r\n')).toBe('line one\n\tline two');
    expect(UpdateProfileBody.parse({ bio: 'a\nb' })).toEqual({ bio: 'a\nb' });
    expect(refused(DisplayName, 'Ada\nLovelace')).toBe(true);
    expect(refused(DisplayName, 'Ada\n')).toBe(true);
    expect(refused(ChatTitle, 'tab\there')).toBe(true);
  });

  it('refuses text a reader cannot see: zero-width characters, joiners, fillers, spaces', () => {
    for (const invisible of [
      '\u200B',
      '\u200B\u200C\u200D\u2060',
      '\uFEFF',
      ' \u3164 ',
      '\u00A0\u2800',
      '   ',
    ]) {
      expect(refused(MessageBody, invisible), JSON.stringify(invisible)).toBe(true);
      expect(refused(DisplayName, invisible), JSON.stringify(invisible)).toBe(true);
    }
  });

  it('checks the text as sent, then trims it', () => {
    expect(DisplayName.parse('  Ada  ')).toBe('Ada');
    expect(refused(DisplayName, ` ${'a'.repeat(80)}`)).toBe(true);
    expect(DisplayName.parse('a'.repeat(80))).toHaveLength(80);
  });

  it('accepts ordinary text in any script, emoji with joiners included', () => {
    for (const good of ['Grüße', 'こんにちは', 'مرحبا', '👩‍👩‍👧 family', 'e\u0301']) {
      expect(MessageBody.parse(good)).toBe(good);
      expect(DisplayName.parse(good)).toBe(good);
    }
  });
});
