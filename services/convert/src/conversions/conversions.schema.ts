import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One conversion job. Its objects live in S3 under keys only this row knows. */
export const conversions = pgTable(
  'conversions',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id').notNull(),
    status: text('status', { enum: ['queued', 'converting', 'done', 'failed', 'expired'] })
      .notNull()
      .default('queued'),
    sourceName: text('source_name').notNull(),
    sourceFormat: text('source_format').notNull(),
    sourceBytes: bigint('source_bytes', { mode: 'number' }).notNull(),
    sourceKey: text('source_key').notNull(),
    /** Detected on upload: the job fails at once with a reason instead of reaching LibreOffice. */
    passwordProtected: boolean('password_protected').notNull().default(false),
    target: text('target').notNull(),
    pdfa: boolean('pdfa').notNull().default(false),
    resultName: text('result_name').notNull(),
    resultKey: text('result_key'),
    resultBytes: bigint('result_bytes', { mode: 'number' }),
    /**
     * Its turn in the queue (BullMQ priority): one past both its owner's last job and the lowest turn
     * still waiting, so the queue serves owners in alternation (fair-share.ts).
     */
    queueTurn: integer('queue_turn').notNull().default(1),
    /** The first page as a small image; null while converting, or for results that have no pages. */
    thumbnailKey: text('thumbnail_key'),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    // The owner's list, newest first, paged by (created_at, id).
    index('conversions_owner_created_idx').on(table.ownerId, table.createdAt.desc(), table.id.desc()),
    // The retention sweep: jobs whose files still exist, oldest first.
    index('conversions_retention_idx')
      .on(table.createdAt)
      .where(sql`${table.status} in ('queued', 'converting', 'done', 'failed')`),
  ],
);

export type ConversionRow = typeof conversions.$inferSelect;
