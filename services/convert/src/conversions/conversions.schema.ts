import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One original as the row keeps it: its object key is known only to the row. */
export interface StoredSource {
  key: string;
  name: string;
  format: string;
  bytes: number;
  passwordProtected: boolean;
}

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
    /** The first original's key (sources[0].key). */
    sourceKey: text('source_key').notNull(),
    /** Every original in the order sent: one, or several to merge into one PDF. */
    sources: jsonb('sources').$type<StoredSource[]>().notNull().default([]),
    /** Detected on upload (any original): without a password the job fails at once with a reason. */
    passwordProtected: boolean('password_protected').notNull().default(false),
    target: text('target').notNull(),
    pdfa: text('pdfa', { enum: ['1b', '2b', '3b'] }),
    pdfua: boolean('pdfua').notNull().default(false),
    /** Canonical (page-ranges.ts), or null for every page. */
    pages: text('pages'),
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

type SourceColumns = Pick<
  ConversionRow,
  'sources' | 'sourceKey' | 'sourceName' | 'sourceFormat' | 'sourceBytes' | 'passwordProtected'
>;

/** A job's originals in the order sent; a row written with the single-source columns only has one. */
export const rowSources = (row: SourceColumns): StoredSource[] =>
  row.sources.length > 0
    ? row.sources
    : [
        {
          key: row.sourceKey,
          name: row.sourceName,
          format: row.sourceFormat,
          bytes: row.sourceBytes,
          passwordProtected: row.passwordProtected,
        },
      ];

/** Every original object of a job: one, or each file of a merge. */
export const sourceKeys = (row: SourceColumns): string[] => rowSources(row).map((source) => source.key);
