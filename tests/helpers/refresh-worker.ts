// A second process sharing the test's database file: calls getFreshAccessToken `COUNT` times concurrently on
// `CONNECTION_ID` once the file `GO_FILE` exists, and prints the tokens it got as JSON.
import { existsSync } from "node:fs";
import { getFreshAccessToken } from "@/lib/connections/refresh";

const id = process.env.CONNECTION_ID!;
const count = Number(process.env.COUNT ?? 10);
process.stdout.write("ready\n");
while (!existsSync(process.env.GO_FILE!)) await new Promise((r) => setTimeout(r, 5));
const tokens = await Promise.all(Array.from({ length: count }, () => getFreshAccessToken(id)));
process.stdout.write(`${JSON.stringify(tokens)}\n`);
