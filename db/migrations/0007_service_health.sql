CREATE TABLE `service_health` (
	`service` text PRIMARY KEY NOT NULL,
	`credentials_rejected_at` integer NOT NULL,
	`last_error` text NOT NULL,
	`failure_count` integer DEFAULT 1 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
