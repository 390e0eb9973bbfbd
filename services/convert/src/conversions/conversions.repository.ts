import { and, count, desc, eq, inArray, lt, max, min, or, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { type ConversionRow, conversions } from './conversions.schema.ts';
import { nextTurn } from './fair-share.ts';

type Schema = { conversions: typeof conversions };
type Db = NodePgDatabase<Schema>;
export type NewConversion = typeof conversions.$inferInsert;

/** States whose files still exist in S3. */
const LIVE = ['queued', 'converting', 'done', 'failed'] as const;
/** States a job can still leave by converting. */
const PENDING = ['queued', 'converting'] as const;

/** Where the owner's list goes on from: the last row of a page. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** All SQL of conversion jobs. Every read by an owner is scoped to that owner. */
export class ConversionsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Inserts the job with its turn (fair-share.ts) unless its owner already has `cap` pending; an
   * advisory lock per owner keeps concurrent uploads of one person from passing the cap together.
   */
  async insertWithinCap(
    values: Omit<NewConversion, 'queueTurn'>,
    cap: number,
  ): Promise<ConversionRow | undefined> {
    return this.#db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${values.ownerId}, 0))`);
      const [owner] = await tx
        .select({ pending: count(), lastTurn: max(conversions.queueTurn) })
        .from(conversions)
        .where(and(eq(conversions.ownerId, values.ownerId), inArray(conversions.status, [...PENDING])));
      if ((owner?.pending ?? 0) >= cap) return undefined;
      const [waiting] = await tx
        .select({ lowestTurn: min(conversions.queueTurn) })
        .from(conversions)
        .where(eq(conversions.status, 'queued'));
      const queueTurn = nextTurn({
        ownerLastTurn: owner?.lastTurn ?? 0,
        lowestWaitingTurn: waiting?.lowestTurn ?? undefined,
      });
      const [row] = await tx
        .insert(conversions)
        .values({ ...values, queueTurn })
        .returning();
      if (row === undefined) throw new Error('insert into conversions returned no row');
      return row;
    });
  }

  /** Jobs the owner has queued or converting. */
  async pendingCount(ownerId: string): Promise<number> {
    const [row] = await this.#db
      .select({ pending: count() })
      .from(conversions)
      .where(and(eq(conversions.ownerId, ownerId), inArray(conversions.status, [...PENDING])));
    return row?.pending ?? 0;
  }

  async find(id: string): Promise<ConversionRow | undefined> {
    const [row] = await this.#db.select().from(conversions).where(eq(conversions.id, id));
    return row;
  }

  async findOwned(ownerId: string, id: string): Promise<ConversionRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(conversions)
      .where(and(eq(conversions.id, id), eq(conversions.ownerId, ownerId)));
    return row;
  }

  /** The owner's jobs, newest first, after `cursor`; one more than `limit` tells whether more exist. */
  async page(ownerId: string, limit: number, cursor: PageCursor | undefined): Promise<ConversionRow[]> {
    const older =
      cursor === undefined
        ? undefined
        : or(
            lt(conversions.createdAt, cursor.createdAt),
            and(eq(conversions.createdAt, cursor.createdAt), lt(conversions.id, cursor.id)),
          );
    return this.#db
      .select()
      .from(conversions)
      .where(and(eq(conversions.ownerId, ownerId), older))
      .orderBy(desc(conversions.createdAt), desc(conversions.id))
      .limit(limit + 1);
  }

  /** Claims a pending job for a run; undefined when it was deleted, expired or already finished. */
  async markConverting(id: string): Promise<ConversionRow | undefined> {
    return this.#transition(id, PENDING, { status: 'converting' });
  }

  async markDone(id: string, result: { key: string; bytes: number }): Promise<ConversionRow | undefined> {
    return this.#transition(id, ['converting'], {
      status: 'done',
      resultKey: result.key,
      resultBytes: result.bytes,
    });
  }

  /** Records a done job's thumbnail; undefined when the job was deleted or expired meanwhile. */
  async setThumbnail(id: string, thumbnailKey: string): Promise<ConversionRow | undefined> {
    const [row] = await this.#db
      .update(conversions)
      .set({ thumbnailKey })
      .where(and(eq(conversions.id, id), eq(conversions.status, 'done')))
      .returning();
    return row;
  }

  /** Only a pending job can fail: a finished one keeps its answer. */
  async markFailed(id: string, reason: string): Promise<ConversionRow | undefined> {
    return this.#transition(id, PENDING, { status: 'failed', reason });
  }

  async delete(ownerId: string, id: string): Promise<ConversionRow | undefined> {
    const [row] = await this.#db
      .delete(conversions)
      .where(and(eq(conversions.id, id), eq(conversions.ownerId, ownerId)))
      .returning();
    return row;
  }

  /** Jobs still `queued` since before `cutoff`: their job may never have reached the queue. */
  async queuedSince(cutoff: Date, limit: number): Promise<ConversionRow[]> {
    return this.#db
      .select()
      .from(conversions)
      .where(and(eq(conversions.status, 'queued'), lt(conversions.updatedAt, cutoff)))
      .orderBy(conversions.updatedAt)
      .limit(limit);
  }

  /** Up to `limit` jobs made before `cutoff` whose files still exist, oldest first. */
  async dueForExpiry(cutoff: Date, limit: number): Promise<ConversionRow[]> {
    return this.#db
      .select()
      .from(conversions)
      .where(and(lt(conversions.createdAt, cutoff), inArray(conversions.status, [...LIVE])))
      .orderBy(conversions.createdAt)
      .limit(limit);
  }

  async markExpired(ids: readonly string[]): Promise<ConversionRow[]> {
    if (ids.length === 0) return [];
    return this.#db
      .update(conversions)
      .set({ status: 'expired', updatedAt: sql`now()` })
      .where(inArray(conversions.id, [...ids]))
      .returning();
  }

  async #transition(
    id: string,
    from: readonly ConversionRow['status'][],
    values: Partial<NewConversion>,
  ): Promise<ConversionRow | undefined> {
    const [row] = await this.#db
      .update(conversions)
      .set({ ...values, updatedAt: sql`now()` })
      .where(and(eq(conversions.id, id), inArray(conversions.status, [...from])))
      .returning();
    return row;
  }
}
