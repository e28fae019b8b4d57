// One more "instance" of the app for lib/connections/refresher-instances.test.ts: a separate process with the
// test's environment (same database, same sandbox, same keys) that runs the app's background refresher until
// nothing is due (runRefresherUntilDrained), starting when the file GO_FILE exists, and prints what it did as JSON.
import { existsSync } from "node:fs";
import { closeDb } from "@/db";
import { runRefresherUntilDrained } from "@/lib/connections/refresher";

process.stdout.write("ready\n");
while (!existsSync(process.env.GO_FILE!)) await new Promise((r) => setTimeout(r, 5));
const started = Date.now();
const pass = await runRefresherUntilDrained();
process.stdout.write(`${JSON.stringify({ ...pass, ms: Date.now() - started })}\n`);
await closeDb();
