// Loaded before every unit test file (see the test:unit script): a throwaway configuration, never the demo's.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64");
process.env.TOKEN_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.DATABASE_URL = join(mkdtempSync(join(tmpdir(), "trainlink-unit-")), "app.db");
process.env.OUTBOUND_TIMEOUT_MS ??= "2000";
