import { describe, expect, it } from 'vitest';
import { messageIdFor, uuidV5 } from './message-id.ts';

describe('messageIdFor', () => {
  it('is an RFC 9562 UUIDv5 (test vector: DNS namespace, "www.example.com")', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is the same for a resend and differs per sender, per chat and per client id', () => {
    const sender = '0b9e3f4e-2f43-4c61-9a53-2a1d2e3f4a5b';
    const other = '1c8f4a5f-3a54-4d72-8b64-3b2e3f4a5b6c';
    const chatA = '2d9a5b6c-4b65-4e83-9c75-4c3f4a5b6c7d';
    const chatB = '3eab6c7d-5c76-4f94-8d86-5d4a5b6c7d8e';
    expect(messageIdFor(sender, chatA, 'c-1')).toBe(messageIdFor(sender, chatA, 'c-1'));
    expect(messageIdFor(sender, chatA, 'c-1')).not.toBe(messageIdFor(sender, chatA, 'c-2'));
    expect(messageIdFor(sender, chatA, 'c-1')).not.toBe(messageIdFor(other, chatA, 'c-1'));
    expect(messageIdFor(sender, chatA, 'c-1')).not.toBe(messageIdFor(sender, chatB, 'c-1'));
  });
});
