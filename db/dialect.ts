/** The two database engines TrainLink runs on (issue 14), and which one a DATABASE_URL names. */
export type Dialect = "sqlite" | "postgres";

/** The default DATABASE_URL: an SQLite file beside the app (lib/env.ts uses the same). */
export const DEFAULT_DATABASE_URL = "data/app.db";

/**
 * The engine `url` names: `postgres://…` or `postgresql://…` is PostgreSQL; anything else is an SQLite file
 * path, optionally written `file:<path>`.
 */
export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

/** The SQLite file path of `url` (`file:` prefix removed). */
export function sqlitePath(url: string): string {
  return url.replace(/^file:(\/\/)?/i, "");
}

/**
 * The engine this process runs on: read from process.env.DATABASE_URL directly (not lib/env, which validates
 * everything on first read) because db/schema.ts picks its tables when it is imported.
 */
export function activeDialect(): Dialect {
  return dialectOf(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
}

/** `url` with any password replaced by `***`, for messages (a connection string is never logged whole). */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/i, "$1***@");
}
