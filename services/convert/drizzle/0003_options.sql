-- pdfa was a boolean (true meant PDF/A-2b); it becomes the level, null for none.
ALTER TABLE "conversions" ALTER COLUMN "pdfa" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "conversions" ALTER COLUMN "pdfa" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "conversions" ALTER COLUMN "pdfa" SET DATA TYPE text USING CASE WHEN "pdfa" THEN '2b' END;--> statement-breakpoint
-- Every existing job has one original: its own columns.
ALTER TABLE "conversions" ADD COLUMN "sources" jsonb DEFAULT '[]'::jsonb;--> statement-breakpoint
UPDATE "conversions" SET "sources" = jsonb_build_array(jsonb_build_object('key', "source_key", 'name', "source_name", 'format', "source_format", 'bytes', "source_bytes", 'passwordProtected', "password_protected"));--> statement-breakpoint
ALTER TABLE "conversions" ALTER COLUMN "sources" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "conversions" ADD COLUMN "pdfua" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversions" ADD COLUMN "pages" text;
