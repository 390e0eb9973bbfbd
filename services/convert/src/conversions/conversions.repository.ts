import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { type ConversionRow, conversions } from './conversions.schema.ts';

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

  async insert(values: NewConversion): Promise<ConversionRow> {
    const [row] = await this.#db.insert(conversions).values(values).returning();
    if (row === undefined) throw new Error('insert into conversions returned no row');
    return row;
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
