import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';

export interface DatabaseOptions {
  url: string;
  maxConnections?: number;
  /** An idle connection the server dropped (restart, failover); the pool opens a new one. */
  onIdleError?: (error: Error) => void;
  /** Where unqualified names resolve (search_path); a store kept apart in its own schema sets it. */
  schema?: string;
  /** Names the connections in pg_stat_activity, so an operator (or a test) can find them. */
  applicationName?: string;
}

export interface Database<Schema extends Record<string, unknown>> {
  db: NodePgDatabase<Schema>;
  pool: pg.Pool;
  /** Runs `work` on one connection between begin and commit; any error rolls it back. */
  transaction: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
  /** Readiness: a real query. */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The one place a PostgreSQL pool is made: size, search_path, name and idle-error handling. */
export function createPool(options: DatabaseOptions): pg.Pool {
  const { schema } = options;
  if (schema !== undefined && !IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
  });
  // Without a listener, pg turns a dropped idle connection into an uncaught error that ends the process.
  pool.on('error', options.onIdleError ?? (() => undefined));
  return pool;
}

/** Runs `work` on one pooled connection in a transaction: committed if it resolves, rolled back if not. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** One pool per process; drizzle on top for typed queries, the pool itself for raw SQL. */
export function createDatabase<Schema extends Record<string, unknown>>(
  options: DatabaseOptions,
  schema: Schema,
): Database<Schema> {
  const pool = createPool(options);
  return {
    db: drizzle(pool, { schema }),
    pool,
    transaction: (work) => withTransaction(pool, work),
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}
