/**
 * `npm run keys:rotate`: re-seals every stored token under the first key of TOKEN_ENCRYPTION_KEY.
 * Rotation: put the new key first and keep the old ones after it ("new:<key>,old:<key>"), run this, then
 * remove the old keys. Safe to run while the app runs.
 */
import "./load-env";
import { migrateDatabase, openDatabase } from "@/db/open";
import { parseKeyring } from "@/lib/crypto";
import { rotateKeys } from "@/lib/connections/rotate-keys";
import { env } from "@/lib/env";

const keyring = parseKeyring(env.TOKEN_ENCRYPTION_KEY);
await migrateDatabase(env.DATABASE_URL);
const database = openDatabase(env.DATABASE_URL);
try {
  const { resealed, current } = await rotateKeys(database, keyring);
  console.log(
    `Re-sealed ${resealed} row(s) under key "${keyring.current.id}"; ${current} already used it. Keys no longer needed: ${[...keyring.all.keys()].filter((id) => id !== keyring.current.id).join(", ") || "none"}.`,
  );
} catch (error) {
  console.error(
    `Rotation stopped: ${error instanceof Error ? error.message : String(error)}. Rows re-sealed so far keep working; fix the keyring and run again.`,
  );
  process.exitCode = 1;
} finally {
  await database.close();
}
