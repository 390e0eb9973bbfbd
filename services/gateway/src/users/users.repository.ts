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
  | { status: 'reused'; userId: string };

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

  /** A new password ends every session of the user. */
  async setPasswordAndRevokeSessions(userId: string, passwordHash: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
      await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    });
  }

  async insertRefreshToken(values: {
    userId: string;
    familyId?: string;
    tokenHash: string;
    expiresAt: Date;
  }) {
    await this.#db.insert(refreshTokens).values({ familyId: randomUUID(), ...values });
  }

  /**
   * Claims the presented token for rotation atomically; a second claim of the same token
   * (a replay) revokes its whole family.
   */
  async rotateRefreshToken(
    presentedHash: string,
    next: { tokenHash: string; expiresAt: Date },
  ): Promise<RotationOutcome> {
    return this.#db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(refreshTokens)
        .set({ rotatedAt: new Date() })
        .where(
          and(
            eq(refreshTokens.tokenHash, presentedHash),
            isNull(refreshTokens.rotatedAt),
            isNull(refreshTokens.revokedAt),
            gt(refreshTokens.expiresAt, new Date()),
          ),
        )
        .returning();
      if (claimed !== undefined) {
        await tx
          .insert(refreshTokens)
          .values({ userId: claimed.userId, familyId: claimed.familyId, ...next });
        return { status: 'ok', userId: claimed.userId, familyId: claimed.familyId } as const;
      }
      const [token] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, presentedHash));
      if (token === undefined) return { status: 'unknown' } as const;
      if (token.revokedAt !== null) return { status: 'revoked' } as const;
      if (token.rotatedAt !== null) {
        await tx
          .update(refreshTokens)
          .set({ revokedAt: new Date() })
          .where(and(eq(refreshTokens.familyId, token.familyId), isNull(refreshTokens.revokedAt)));
        return { status: 'reused', userId: token.userId } as const;
      }
      return { status: 'expired' } as const;
    });
  }

  /** Logout: ends the session the token belongs to. */
  async revokeFamilyOf(tokenHash: string): Promise<void> {
    await this.#db.execute(sql`
      update refresh_tokens set revoked_at = now()
      where revoked_at is null
        and family_id = (select family_id from refresh_tokens where token_hash = ${tokenHash})`);
  }
}
