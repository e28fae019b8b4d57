// One more "instance" of the app's background refresher, for the several-instances test
// (lib/connections/refresher-instances.test.ts) and `npm run bench`: a separate process with the caller's
// environment (same database, sandbox, keys) that prints "ready", waits until the file GO_FILE exists, runs the
// refresher until nothing is due (runRefresherUntilDrained) and prints what it did as one JSON line.
// startRefresherInstance (scripts/refresher-instances.ts) starts it.
import { existsSync } from "node:fs";
import { closeDb } from "@/db";
import { runRefresherUntilDrained } from "@/lib/connections/refresher";

process.stdout.write("ready\n");
while (!existsSync(process.env.GO_FILE!)) await new Promise((r) => setTimeout(r, 5));
const started = Date.now();
const pass = await runRefresherUntilDrained();
process.stdout.write(`${JSON.stringify({ ...pass, ms: Date.now() - started })}\n`);
await closeDb();
