import { hash } from 'node:crypto';

/**
 * UUIDv5 (RFC 9562) with the sender's id as namespace and (chat, client message id) as name:
 * a resent message gets the same id on any gateway, which is what collapses duplicates, while
 * a client that numbers its messages per chat ("1", "2", … in every chat) gets distinct ids.
 */
export function messageIdFor(senderId: string, chatId: string, clientMsgId: string): string {
  // The chat id is a fixed-length UUID, so the name cannot be read two ways.
  return uuidV5(senderId, `${chatId}/${clientMsgId}`);
}

export function uuidV5(namespaceUuid: string, name: string): string {
  const input = Buffer.concat([
    Buffer.from(namespaceUuid.replaceAll('-', ''), 'hex'),
    Buffer.from(name, 'utf8'),
  ]);
  // One-shot: a Hash object per message cost more than the digest itself (profiled under load).
  const digest = hash('sha1', input, 'buffer');
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
