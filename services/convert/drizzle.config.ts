import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/convert/src/conversions/conversions.schema.ts',
  out: './services/convert/drizzle',
});
