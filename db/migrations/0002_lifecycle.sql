CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`service` text NOT NULL,
	`kind` text NOT NULL,
	`status` integer NOT NULL,
	`service_user_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_at_idx` ON `webhook_deliveries` (`created_at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `next_attempt_at` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `refresh_lease_owner` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `plan_changed_at` integer;--> statement-breakpoint
CREATE INDEX `accounts_due_idx` ON `accounts` (`state`,`expires_at`);