import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type * as schema from '../schema.ts';
import { oneTimeTokens, refreshTokens, users } from './users.schema.ts';

export type User = typeof users.$inferSelect;
export type OneTimeTokenPurpose = (typeof oneTimeTokens.$inferSelect)['purpose'];
export type TokenOutcome = { status: 'ok'; userId: string } | { status: 'unknown' | 'expired' | 'used' };
export type RotationOutcome =
  | { status: 'ok'; userId: string; familyId: string }
  | { status: 'unknown' | 'expired' | 'revoked' }
  | { status: 'reused'; userId: string; familyId: string };
type RefreshToken = typeof refreshTokens.$inferSelect;
type Transaction = Parameters<Parameters<NodePgDatabase<typeof schema>['transaction']>[0]>[0];

/** Advisory-lock namespace (first key) of "the sessions of one user", the user id's hash being the second. */
const SESSIONS_LOCK = 0x5e55;

/** All SQL of the users feature. */
export class UsersRepository {
  readonly #db: NodePgDatabase<typeof schema>;

  /** The hottest query (every profile read): prepared once, planned once by PostgreSQL. */
  readonly #findById;

  constructor(db: NodePgDatabase<typeof schema>) {
    this.#db = db;
    this.#findById = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('users_find_by_id');
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const [user] = await this.#db.select().from(users).where(eq(users.email, email));
    return user;
  }

  async findById(id: string): Promise<User | undefined> {
    const [user] = await this.#findById.execute({ id });
    return user;
  }

  /** Undefined when the e-mail is taken (a concurrent sign-up included). */
  async insertUser(values: { email: string; passwordHash: string; name: string }): Promise<User | undefined> {
    const [user] = await this.#db.insert(users).values(values).onConflictDoNothing().returning();
    return user;
  }

  async updateProfile(id: string, changes: { name?: string; bio?: string }): Promise<User | undefined> {
    const [user] = await this.#db
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return user;
  }

  /** Sets the photo key and returns the one it replaced, in one statement. */
  async replacePhotoKey(id: string, photoKey: string | null): Promise<string | null> {
    const result = await this.#db.execute<{ previous: string | null }>(sql`
      update users set photo_key = ${photoKey}, updated_at = now()
      from (select photo_key as previous from users where id = ${id} for update) old
      where users.id = ${id}
      returning old.previous`);
    return result.rows[0]?.previous ?? null;
  }

  /** A new token replaces any unused one of the same purpose, so only the latest link works. */
  async issueOneTimeToken(userId: string, purpose: OneTimeTokenPurpose, tokenHash: string, expiresAt: Date) {
    await this.#db.transaction(async (tx) => {
      await tx
        .delete(oneTimeTokens)
        .where(
          and(
            eq(oneTimeTokens.userId, userId),
            eq(oneTimeTokens.purpose, purpose),
            isNull(oneTimeTokens.usedAt),
          ),
        );
      await tx.insert(oneTimeTokens).values({ userId, purpose, tokenHash, expiresAt });
    });
  }

  /** Marks the token used if it is valid; otherwise says why it is not. */
  async consumeOneTimeToken(purpose: OneTimeTokenPurpose, tokenHash: string): Promise<TokenOutcome> {
    const [consumed] = await this.#db
      .update(oneTimeTokens)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(oneTimeTokens.tokenHash, tokenHash),
          eq(oneTimeTokens.purpose, purpose),
          isNull(oneTimeTokens.usedAt),
          gt(oneTimeTokens.expiresAt, new Date()),
        ),
      )
      .returning({ userId: oneTimeTokens.userId });
    if (consumed !== undefined) return { status: 'ok', userId: consumed.userId };
    const [token] = await this.#db
      .select()
      .from(oneTimeTokens)
      .where(and(eq(oneTimeTokens.tokenHash, tokenHash), eq(oneTimeTokens.purpose, purpose)));
    if (token === undefined) return { status: 'unknown' };
    return { status: token.usedAt === null ? 'expired' : 'used' };
  }

  async activate(userId: string): Promise<void> {
    await this.#db.update(users).set({ active: true, updatedAt: new Date() }).where(eq(users.id, userId));
  }

  /** A new password ends every session of the user; returns the ids of the sessions it ended. */
  async setPasswordAndRevokeSessions(userId: string, passwordHash: string): Promise<string[]> {
    return this.#db.transaction(async (tx) => {
      await lockSessionsOf(tx, userId);
      await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
      const revoked = await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
        .returning({ familyId: refreshTokens.familyId });
      return [...new Set(revoked.map((row) => row.familyId))];
    });
  }

  /** Starts a session: its first refresh token, in a new family whose id is returned. */
  async insertRefreshToken(values: { userId: string; tokenHash: string; expiresAt: Date }): Promise<string> {
    const familyId = randomUUID();
    await this.#db.insert(refreshTokens).values({ familyId, ...values });
    return familyId;
  }

  /**
   * Exchanges the presented token for `next` in the same family. Every live token of the family
   * is marked rotated with it, so a family has one usable token at a time.
   *
   * Presenting a rotated token again is reuse, which revokes the whole family (it leaked) — except
   * within `reuseIntervalMs` of its rotation, when it belongs to the family's latest rotation:
   * that is two tabs or a retry racing, not theft. Like Auth0's rotation "reuse interval" (during
   * which "a new rotating refresh token is issued" and "only the previous token can be reused"),
   * the late presenter gets `next` as a new sibling in the family, not the successor the first
   * one got: only hashes are stored, so that successor cannot be handed out again. Whichever token
   * the client keeps, the next rotation marks the other one rotated, so it cannot be used unseen.
   */
  async rotateRefreshToken(
    presentedHash: string,
    next: { tokenHash: string; expiresAt: Date },
    reuseIntervalMs: number,
  ): Promise<RotationOutcome> {
    return this.#db.transaction(async (tx) => {
      const found = await tokenByHash(tx, presentedHash);
      if (found === undefined) return { status: 'unknown' } as const;
      await lockSessionsOf(tx, found.userId);
      // Read again under the lock: a rotation of the same family may have committed meanwhile.
      const token = await tokenByHash(tx, presentedHash);
      if (token === undefined) return { status: 'unknown' } as const;
      if (token.revokedAt !== null) return { status: 'revoked' } as const;
      const now = new Date();
      const { userId, familyId } = token;
      if (token.rotatedAt === null) {
        if (token.expiresAt <= now) return { status: 'expired' } as const;
        await tx
          .update(refreshTokens)
          .set({ rotatedAt: now })
          .where(
            and(
              eq(refreshTokens.familyId, familyId),
              isNull(refreshTokens.rotatedAt),
              isNull(refreshTokens.revokedAt),
            ),
          );
      } else if (!(await withinReuseInterval(tx, token, now, reuseIntervalMs))) {
        await tx
          .update(refreshTokens)
          .set({ revokedAt: now })
          .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
        return { status: 'reused', userId, familyId } as const;
      }
      await tx.insert(refreshTokens).values({ userId, familyId, ...next });
      return { status: 'ok', userId, familyId } as const;
    });
  }

  /** Logout: ends the session the token belongs to; returns its id (also when it had ended already). */
  async revokeFamilyOf(tokenHash: string): Promise<string | undefined> {
    return this.#db.transaction(async (tx) => {
      const token = await tokenByHash(tx, tokenHash);
      if (token === undefined) return undefined;
      await lockSessionsOf(tx, token.userId);
      await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.familyId, token.familyId), isNull(refreshTokens.revokedAt)));
      return token.familyId;
    });
  }
}

async function tokenByHash(tx: Transaction, tokenHash: string): Promise<RefreshToken | undefined> {
  const [token] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
  return token;
}

/**
 * Rotation, logout and password reset of one user run one at a time, so none of them misses a
 * token another is inserting (a logout racing a refresh would otherwise leave the new token live).
 */
async function lockSessionsOf(tx: Transaction, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(SESSIONS_LOCK))}, hashtext(${userId}))`);
}

/** A rotated token presented again soon enough, and no newer rotation of its family since. */
async function withinReuseInterval(
  tx: Transaction,
  token: RefreshToken,
  now: Date,
  reuseIntervalMs: number,
): Promise<boolean> {
  const rotatedAt = token.rotatedAt?.getTime();
  if (rotatedAt === undefined || now.getTime() - rotatedAt >= reuseIntervalMs) return false;
  const [latest] = await tx
    .select({ rotatedAt: sql<Date | null>`max(${refreshTokens.rotatedAt})`.mapWith(refreshTokens.rotatedAt) })
    .from(refreshTokens)
    .where(eq(refreshTokens.familyId, token.familyId));
  return latest?.rotatedAt?.getTime() === rotatedAt;
}
