import type { DatabaseSync } from 'node:sqlite';
import { type MigrationMeta, readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { createPool } from './database.ts';

/**
 * Every service's migrations are a drizzle-kit folder (`meta/_journal.json` plus one `.sql` file
 * per step, generated from a drizzle schema or written with `drizzle-kit generate --custom`),
 * recorded in drizzle's ledger `__drizzle_migrations`: a step runs when its journal time is newer
 * than the last one recorded. Append only: a released step is never edited.
 */
export interface MigrationOptions {
  /** The schema holding the ledger; a store kept in a schema of its own keeps its ledger there. */
  ledgerSchema?: string;
  /**
   * A ledger of the runner used before: a table whose `version` column counts the steps applied
   * (1 = the first step of the journal). When drizzle's ledger is still empty, those steps are
   * recorded as applied instead of being run again. The table is left as it was, so a process of
   * the previous release starting during a rollout still finds what it expects.
   */
  adoptVersionTable?: string;
}

/**
 * Applies the steps in `folder` this database has not seen, one process at a time: processes
 * starting together (chat-api and chat-consumer) wait on an advisory lock instead of racing.
 */
export async function runMigrations(
  database: { pool: pg.Pool },
  folder: string,
  options: MigrationOptions = {},
): Promise<void> {
  const ledgerSchema = options.ledgerSchema ?? 'drizzle';
  const lock = `relay-migrations:${ledgerSchema}`;
  const client = await database.pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [lock]);
    if (options.adoptVersionTable !== undefined) {
      await adoptPostgres(
        client,
        readMigrationFiles({ migrationsFolder: folder }),
        ledgerSchema,
        options.adoptVersionTable,
      );
    }
    await migrate(drizzle(client), { migrationsFolder: folder, migrationsSchema: ledgerSchema });
    await client.query('select pg_advisory_unlock(hashtext($1))', [lock]);
    client.release();
  } catch (error) {
    // Closing the connection ends its session and with it the lock.
    client.release(true);
    throw error;
  }
}

/** drizzle's own ledger table, created the way its migrator creates it. */
async function adoptPostgres(
  client: pg.PoolClient,
  migrations: MigrationMeta[],
  ledgerSchema: string,
  versionTable: string,
): Promise<void> {
  const ledger = `"${ledgerSchema}"."__drizzle_migrations"`;
  const { rows } = await client.query<{ found: boolean }>('select to_regclass($1) is not null as found', [
    `"${ledgerSchema}"."${versionTable}"`,
  ]);
  if (rows[0]?.found !== true) return;
  await client.query('begin');
  try {
    await client.query(`create schema if not exists "${ledgerSchema}"`);
    await client.query(
      `create table if not exists ${ledger} (id serial primary key, hash text not null, created_at bigint)`,
    );
    const recorded = await client.query(`select 1 from ${ledger} limit 1`);
    if (recorded.rowCount === 0) {
      const applied = await client.query<{ version: number | null }>(
        `select max(version) as version from "${ledgerSchema}"."${versionTable}"`,
      );
      for (const migration of migrations.slice(0, applied.rows[0]?.version ?? 0)) {
        await client.query(`insert into ${ledger} (hash, created_at) values ($1, $2)`, [
          migration.hash,
          migration.folderMillis,
        ]);
      }
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * The same folders and the same ledger for SQLite (node:sqlite, which drizzle has no driver for),
 * in one immediate transaction, so a second process waits for the first.
 */
export function runSqliteMigrations(db: DatabaseSync, folder: string, options: MigrationOptions = {}): void {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  db.exec('begin immediate');
  try {
    db.exec(
      'create table if not exists __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
    );
    if (options.adoptVersionTable !== undefined) adoptSqlite(db, migrations, options.adoptVersionTable);
    const last = db
      .prepare('select created_at from __drizzle_migrations order by created_at desc limit 1')
      .get();
    const record = db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)');
    for (const migration of migrations) {
      if (last !== undefined && Number(last.created_at) >= migration.folderMillis) continue;
      for (const statement of migration.sql) db.exec(statement);
      record.run(migration.hash, migration.folderMillis);
    }
    db.exec('commit');
  } catch (error) {
    db.exec('rollback');
    throw error;
  }
}

function adoptSqlite(db: DatabaseSync, migrations: MigrationMeta[], versionTable: string): void {
  const exists = db
    .prepare("select 1 from sqlite_schema where type = 'table' and name = ?")
    .get(versionTable);
  if (exists === undefined || db.prepare('select 1 from __drizzle_migrations limit 1').get() !== undefined)
    return;
  const applied = db.prepare(`select max(version) as version from "${versionTable}"`).get();
  const record = db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)');
  for (const migration of migrations.slice(0, Number(applied?.version ?? 0))) {
    record.run(migration.hash, migration.folderMillis);
  }
}

/** A provisioning step: applies a service's pending migrations over a connection of its own. */
export async function migrateDatabase(url: string, folder: string): Promise<void> {
  const pool = createPool({ url, maxConnections: 1 });
  try {
    await runMigrations({ pool }, folder);
  } finally {
    await pool.end();
  }
}
