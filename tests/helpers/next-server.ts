/**
 * Next.js's server bundles alias `next/navigation` to its react-server build (next/dist/build/
 * create-compiler-aliases.js); plain Node loads the client build, which needs React's client APIs and fails
 * under `--conditions=react-server`. Call this before importing an app module that imports `next/navigation`
 * (lib/auth/session.ts, lib/route.ts), so unit tests load what route handlers and server components get.
 */
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);

export function aliasServerNextNavigation(): void {
  const clientEntry = require.resolve("next/navigation");
  const server: unknown = require("next/dist/client/components/navigation.react-server");
  const entry = new Module(clientEntry);
  entry.filename = clientEntry;
  entry.paths = [dirname(clientEntry)];
  entry.exports = server;
  entry.loaded = true;
  require.cache[clientEntry] = entry;
}
