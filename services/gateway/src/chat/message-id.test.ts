import { describe, expect, it } from 'vitest';
import { messageIdFor } from './message-id.ts';

describe('messageIdFor', () => {
  it('matches the RFC 9562 UUIDv5 test vector (DNS namespace, "www.example.com")', () => {
    expect(messageIdFor('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is the same for a resend and differs per sender and per client id', () => {
    const sender = '0b9e3f4e-2f43-4c61-9a53-2a1d2e3f4a5b';
    const other = '1c8f4a5f-3a54-4d72-8b64-3b2e3f4a5b6c';
    expect(messageIdFor(sender, 'c-1')).toBe(messageIdFor(sender, 'c-1'));
    expect(messageIdFor(sender, 'c-1')).not.toBe(messageIdFor(sender, 'c-2'));
    expect(messageIdFor(sender, 'c-1')).not.toBe(messageIdFor(other, 'c-1'));
  });
});
