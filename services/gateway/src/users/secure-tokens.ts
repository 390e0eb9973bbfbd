import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: for activation, reset and refresh tokens. */
export function newSecureToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as their SHA-256, so a database leak yields nothing usable. */
export function hashSecureToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
