CREATE TABLE `exorlive_link_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`athlete_id` text NOT NULL,
	`requested_by` text,
	`exorlive_user_id` text NOT NULL,
	`note` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`decline_reason` text,
	FOREIGN KEY (`athlete_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exorlive_link_requests_open_uq` ON `exorlive_link_requests` (`athlete_id`) WHERE "exorlive_link_requests"."status" = 'open';--> statement-breakpoint
CREATE INDEX `exorlive_link_requests_status_idx` ON `exorlive_link_requests` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `exorlive_link_requests_athlete_idx` ON `exorlive_link_requests` (`athlete_id`,`created_at`);