/**
 * How every production server of this repository starts (`npm start`, `npm run demo`, the e2e run and
 * `npm run bench`): Node with a bounded old-generation heap, running `next start`.
 *
 * Why the bound: without one, V8 sizes the heap from the machine's memory and collects lazily, so the server's
 * RSS climbs to 400 MB under load on a 24 GiB machine although its live heap stays under 100 MB. 256 MB keeps
 * the peak RSS near 300 MB at no measurable cost in latency (README, Performance). Raise it with
 * NODE_OPTIONS=--max-old-space-size=N if a deployment ever holds more in memory.
 *
 * Why NEXT_MANUAL_SIG_HANDLE: without it `next start` exits at once on SIGTERM/SIGINT, before TrainLink's own
 * handlers (lib/shutdown.ts) finish the refreshes in flight and release their leases.
 */
import { createRequire } from "node:module";

/** Node flags of the app server; package.json's "start" script repeats them (a unit test keeps them equal). */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=256"] as const;

/**
 * Environment every production server starts with, on top of its own; package.json's "start" script sets the
 * same (a unit test keeps them equal). Spread it into the `env` of every spawn of nextStartCommand.
 */
export const SERVER_ENV = { NEXT_MANUAL_SIG_HANDLE: "true" } as const;

/** [command, args] that start the built app on `port` (a number, TCP port); give it SERVER_ENV in its environment. */
export function nextStartCommand(port: number): [string, string[]] {
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  return [process.execPath, [...SERVER_NODE_FLAGS, nextBin, "start", "-p", String(port)]];
}
