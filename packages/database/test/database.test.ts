import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, runMigrations } from '../src/index.ts';
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
