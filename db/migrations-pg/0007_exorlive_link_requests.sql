CREATE TABLE "exorlive_link_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"athlete_id" text NOT NULL,
	"requested_by" text,
	"exorlive_user_id" text NOT NULL,
	"note" text,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decline_reason" text
);
--> statement-breakpoint
ALTER TABLE "exorlive_link_requests" ADD CONSTRAINT "exorlive_link_requests_athlete_id_users_id_fk" FOREIGN KEY ("athlete_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exorlive_link_requests" ADD CONSTRAINT "exorlive_link_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exorlive_link_requests" ADD CONSTRAINT "exorlive_link_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "exorlive_link_requests_open_uq" ON "exorlive_link_requests" USING btree ("athlete_id") WHERE "exorlive_link_requests"."status" = 'open';--> statement-breakpoint
CREATE INDEX "exorlive_link_requests_status_idx" ON "exorlive_link_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "exorlive_link_requests_athlete_idx" ON "exorlive_link_requests" USING btree ("athlete_id","created_at");