CREATE TABLE `coach_digests` (
	`coach_id` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`sent_at` integer NOT NULL,
	FOREIGN KEY (`coach_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `connection_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`athlete_id` text NOT NULL,
	`service` text NOT NULL,
	`kind` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`athlete_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connection_alerts_open_uq` ON `connection_alerts` (`athlete_id`,`service`) WHERE "connection_alerts"."closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX `connection_alerts_athlete_idx` ON `connection_alerts` (`athlete_id`,`opened_at`);--> statement-breakpoint
CREATE TABLE `email_preferences` (
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `kind`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`name` text PRIMARY KEY NOT NULL,
	`last_run_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`dedupe_key` text NOT NULL,
	`recipient_id` text,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`unsubscribe_url` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`sent_at` integer,
	`failed_at` integer,
	`last_error` text,
	FOREIGN KEY (`recipient_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_dedupe_key_unique` ON `mail_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `mail_outbox_due_idx` ON `mail_outbox` (`next_attempt_at`) WHERE "mail_outbox"."sent_at" IS NULL AND "mail_outbox"."failed_at" IS NULL;--> statement-breakpoint
CREATE TABLE `reconnect_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`athlete_id` text NOT NULL,
	`service` text NOT NULL,
	`requested_by` text,
	`status` text DEFAULT 'sent' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`opened_at` integer,
	`reconnected_at` integer,
	`reminded_at` integer,
	`closed_at` integer,
	FOREIGN KEY (`athlete_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reconnect_requests_open_uq` ON `reconnect_requests` (`athlete_id`,`service`) WHERE "reconnect_requests"."closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX `reconnect_requests_athlete_idx` ON `reconnect_requests` (`athlete_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `last_verified_at` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `failing_since` integer;