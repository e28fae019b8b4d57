import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiReference } from "@scalar/nextjs-api-reference";

/**
 * The interactive API reference (Scalar) served from our own origin: there is no internet in some deployments,
 * and the Content-Security-Policy (next.config.mjs) allows scripts, fonts and connections from 'self' only.
 */

/** Scalar's browser bundle (UMD, one file, no eval), resolved from the working directory as `next start` runs. */
export const SCALAR_BUNDLE_PATH = join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js");

let version: string | undefined;

/** The installed @scalar/api-reference version, which names the bundle's URL so it can be cached for a year. */
export function scalarVersion(): string {
  version ??= (JSON.parse(readFileSync(join(process.cwd(), "node_modules/@scalar/api-reference/package.json"), "utf8")) as { version: string })
    .version;
  return version;
}

/**
 * The reference page (HTML) for GET /api/v1/docs: loads the bundle from /api/v1/docs/scalar.js and the document
 * from /api/v1/openapi.json; Scalar's web fonts, telemetry and developer tools are off, so it needs no other origin.
 */
export function apiReferencePage(): Response {
  return ApiReference({
    url: "/api/v1/openapi.json",
    cdn: `/api/v1/docs/scalar.js?v=${scalarVersion()}`,
    pageTitle: "TrainLink API reference",
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: "never",
    hideClientButton: true,
    // Scalar's "Ask AI" calls Scalar's own servers: not for an admin page that holds an organisation's API.
    agent: { disabled: true },
  })();
}
