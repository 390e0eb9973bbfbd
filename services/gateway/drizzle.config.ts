import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/gateway/src/schema.ts',
  out: './services/gateway/drizzle',
});
