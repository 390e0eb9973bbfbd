export {
  createDatabase,
  createPool,
  type Database,
  type DatabaseOptions,
  withTransaction,
} from './database.ts';
export { type MigrationOptions, migrateDatabase, runMigrations, runSqliteMigrations } from './migrations.ts';
