import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createPool, type Database, runMigrations, withTransaction } from '../src/index.ts';
import { probes } from './fixture/schema.ts';

const adminUrl = process.env.GATEWAY_DATABASE_URL;
if (adminUrl === undefined)
  throw new Error('GATEWAY_DATABASE_URL is not set: run ./relay test, or ./relay up first');
const dbName = `relay_test_${randomUUID().replaceAll('-', '')}`;
const admin = new pg.Client({ connectionString: adminUrl });
let database: Database<{ probes: typeof probes }>;

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  database = createDatabase({ url: url.toString() }, { probes });
});

afterAll(async () => {
  await database?.close();
  await admin.query(`drop database if exists ${dbName}`);
  await admin.end();
});

describe('PostgreSQL with drizzle migrations', () => {
  it('applies migrations once, then queries the migrated table', async () => {
    const folder = resolve(import.meta.dirname, 'fixture/migrations');
    await runMigrations(database, folder);
    await runMigrations(database, folder);

    const [inserted] = await database.db.insert(probes).values({ label: 'first' }).returning();
    expect(inserted?.label).toBe('first');
    const rows = await database.db.select().from(probes).where(eq(probes.label, 'first'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);

    const applied = await database.pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(applied.rows[0].n).toBe(1);
  });

  it('answers readiness with a real query', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });
});

describe('the pool every service makes', () => {
  it('resolves names in its schema and names its connections', async () => {
    const pool = createPool({ url: adminUrl, schema: 'pg_catalog', applicationName: 'relay-test:pool' });
    try {
      const { rows } = await pool.query('select current_schema() as schema, current_setting($1) as name', [
        'application_name',
      ]);
      expect(rows[0]).toEqual({ schema: 'pg_catalog', name: 'relay-test:pool' });
    } finally {
      await pool.end();
    }
  });

  it('refuses a schema name it would have to quote', () => {
    expect(() => createPool({ url: adminUrl, schema: 'x; drop table users' })).toThrow('invalid schema name');
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await database.pool.query('create table tx_probe (n int)');
    await withTransaction(database.pool, (client) => client.query('insert into tx_probe values (1)'));
    const failed = database.transaction(async (client) => {
      await client.query('insert into tx_probe values (2)');
      throw new Error('work failed');
    });
    await expect(failed).rejects.toThrow('work failed');
    const { rows } = await database.pool.query('select n from tx_probe');
    expect(rows).toEqual([{ n: 1 }]);
  });
});
