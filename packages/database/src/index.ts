export { createDatabase, type Database, type DatabaseOptions, runMigrations } from './database.ts';
