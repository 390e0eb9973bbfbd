import type { AccessTokenClaims, JwtVerifier, Logger } from '@relay/platform';
import type { RedisClient } from '@relay/redis';
import { AuthErrorCode, authError } from './auth.errors.ts';

export interface RevocationSettings {
  /** The access tokens' lifetime: an entry is kept as long as a token it names can still be valid. */
  ttlSeconds: number;
  keyPrefix?: string;
}

/**
 * Access tokens that stopped being good before they expire, in Redis so every gateway sees them:
 * a session (the `sid` claim, the refresh-token family) ended by logout or by reuse of its refresh
 * token, and every token a user held before a password reset.
 *
 * A reset both revokes the user's sessions by id and records "issued before this second": `iat` has
 * one-second resolution, so the cutoff alone would either spare a token issued earlier in the same
 * second or refuse a login made right after the reset; the session ids are exact, and the cutoff
 * covers tokens without a `sid` (issued before sessions were named).
 */
export class AccessTokenRevocations {
  readonly #redis: RedisClient;
  readonly #logger: Logger;
  readonly #ttlSeconds: number;
  readonly #prefix: string;
  #failing = false;

  constructor(redis: RedisClient, logger: Logger, settings: RevocationSettings) {
    this.#redis = redis;
    this.#logger = logger;
    this.#ttlSeconds = settings.ttlSeconds;
    this.#prefix = settings.keyPrefix ?? 'relay:revoked';
  }

  async revokeSessions(sessionIds: readonly string[]): Promise<void> {
    await this.#write(sessionIds, undefined);
  }

  async revokeUser(userId: string, sessionIds: readonly string[], at: Date): Promise<void> {
    await this.#write(sessionIds, { userId, issuedBeforeSeconds: Math.floor(at.getTime() / 1000) });
  }

  /**
   * `verify` followed by this check: the one verifier HTTP and WebSocket both use. It costs one
   * Redis round trip (MGET of one or two keys) per call, on top of the cached signature check.
   */
  guard(verify: JwtVerifier): JwtVerifier {
    return async (token) => {
      const claims = await verify(token);
      if (await this.#isRevoked(claims)) throw authError(AuthErrorCode.TokenRevoked);
      return claims;
    };
  }

  async #isRevoked(claims: AccessTokenClaims): Promise<boolean> {
    const keys = [this.#userKey(claims.sub)];
    if (claims.sid !== undefined) keys.push(this.#sessionKey(claims.sid));
    let values: (string | null)[];
    try {
      values = await this.#redis.mget(...keys);
    } catch (err) {
      // Fail open: tokens still expire within their TTL, and an outage of Redis must not log
      // every user out. Logged once per outage.
      if (!this.#failing) this.#logger.warn({ err }, 'access-token revocations unreadable; not checked');
      this.#failing = true;
      return false;
    }
    if (this.#failing) this.#logger.info('access-token revocations readable again');
    this.#failing = false;
    const [issuedBefore, session] = values;
    if (session !== undefined && session !== null) return true;
    return issuedBefore !== undefined && issuedBefore !== null && (claims.iat ?? 0) < Number(issuedBefore);
  }

  async #write(
    sessionIds: readonly string[],
    user: { userId: string; issuedBeforeSeconds: number } | undefined,
  ): Promise<void> {
    if (sessionIds.length === 0 && user === undefined) return;
    const batch = this.#redis.multi();
    for (const id of sessionIds) batch.set(this.#sessionKey(id), '1', 'EX', this.#ttlSeconds);
    if (user !== undefined)
      batch.set(this.#userKey(user.userId), String(user.issuedBeforeSeconds), 'EX', this.#ttlSeconds);
    for (const [error] of (await batch.exec()) ?? []) if (error) throw error;
  }

  #sessionKey(sessionId: string): string {
    return `${this.#prefix}:sid:${sessionId}`;
  }

  #userKey(userId: string): string {
    return `${this.#prefix}:user:${userId}`;
  }
}
