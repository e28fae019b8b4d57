CREATE TABLE `app_credentials` (
	`service` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`key_id` text,
	`obtained_at` integer NOT NULL,
	PRIMARY KEY(`service`, `kind`)
);
