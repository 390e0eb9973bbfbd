import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export interface DatabaseOptions {
  url: string;
  maxConnections?: number;
  /** An idle connection the server dropped (restart, failover); the pool opens a new one. */
  onIdleError?: (error: Error) => void;
}

export interface Database<Schema extends Record<string, unknown>> {
  db: NodePgDatabase<Schema>;
  pool: pg.Pool;
  /** Readiness: a real query. */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

/** One pool per process; drizzle on top for typed queries. */
export function createDatabase<Schema extends Record<string, unknown>>(
  options: DatabaseOptions,
  schema: Schema,
): Database<Schema> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  // Without a listener, pg turns a dropped idle connection into an uncaught error that ends the process.
  pool.on('error', options.onIdleError ?? (() => undefined));
  return {
    db: drizzle(pool, { schema }),
    pool,
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

/** Applies the drizzle-kit migrations in `folder` that this database has not seen yet. */
export async function runMigrations(
  database: Database<Record<string, unknown>>,
  folder: string,
): Promise<void> {
  await migrate(database.db, { migrationsFolder: folder });
}
