CREATE TABLE "conversions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"source_name" text NOT NULL,
	"source_format" text NOT NULL,
	"source_bytes" bigint NOT NULL,
	"source_key" text NOT NULL,
	"password_protected" boolean DEFAULT false NOT NULL,
	"target" text NOT NULL,
	"pdfa" boolean DEFAULT false NOT NULL,
	"result_name" text NOT NULL,
	"result_key" text,
	"result_bytes" bigint,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "conversions_owner_created_idx" ON "conversions" USING btree ("owner_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "conversions_retention_idx" ON "conversions" USING btree ("created_at") WHERE "conversions"."status" in ('queued', 'converting', 'done', 'failed');