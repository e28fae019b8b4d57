import "server-only";
import { z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import type { ApiKeyScope } from "@/db/schema";
import { ProblemSchema } from "@/lib/api/problem";
import {
  AccessTokenSchema,
  AthleteConnectionsSchema,
  AthletePageSchema,
  AthletePathSchema,
  AthletesQuerySchema,
  ConnectionPageSchema,
  ConnectionPathSchema,
  ConnectionProblemSchema,
  ConnectionSchema,
  ConnectionsQuerySchema,
  RevocationSchema,
  CreatedWebhookEndpointSchema,
  WebhookEndpointInputSchema,
  WebhookEndpointListSchema,
  WebhookEndpointPathSchema,
  WebhookEndpointSchema,
  WebhookTestSchema,
} from "@/lib/api/schemas";
import { env } from "@/lib/env";

/**
 * The OpenAPI 3.1 document of /api/v1, generated with zod-openapi from the schemas the handlers parse their
 * input with and build their answers to (lib/api/schemas.ts). lib/api/conformance.test.ts calls every operation
 * here and checks each answer against it.
 */

const PROBLEM = "application/problem+json";

const rateLimitHeaders = z.object({
  RateLimit: z
    .string()
    .optional()
    .meta({
      header: { id: "RateLimit" },
      description:
        "What is left of this key's quota in the current window (IETF draft-ietf-httpapi-ratelimit-headers): `limit`, `remaining`, `reset` in seconds.",
      example: '"default";r=599;t=60',
    }),
  "RateLimit-Policy": z
    .string()
    .optional()
    .meta({
      header: { id: "RateLimit-Policy" },
      description: "The quota policy of API keys: requests (`q`) per window (`w`, seconds).",
      example: '"default";q=600;w=60',
    }),
});

const retryAfter = z.string().meta({
  header: { id: "Retry-After" },
  description: "How many seconds to wait before trying again (RFC 9110 §10.2.3).",
  example: "30",
});

function problem(description: string, id: string | undefined, extraHeaders: Record<string, z.ZodType> = {}): ZodOpenApiResponseObject {
  return {
    ...(id ? { id } : {}),
    description,
    headers: rateLimitHeaders.extend(extraHeaders),
    content: { [PROBLEM]: { schema: ProblemSchema } },
  };
}

/** The problems the API-key wrapper answers by itself, on every operation that takes a key. */
const KEY_PROBLEMS = {
  401: problem("No API key, or one that is unknown, revoked or expired. Carries `WWW-Authenticate: Bearer`.", "Unauthorized", {
    "WWW-Authenticate": z.string().meta({ header: { id: "WWW-Authenticate" }, description: "The authentication scheme to use: `Bearer`." }),
  }),
  403: problem("The API key lacks the scope this operation requires.", "Forbidden"),
  429: problem("This key made too many requests; wait `Retry-After` seconds.", "TooManyRequests", { "Retry-After": retryAfter }),
  500: problem("Something went wrong on TrainLink's side; try again.", "ServerError"),
} satisfies ZodOpenApiResponsesObject;

const BAD_REQUEST = problem("A parameter is not valid (problem type `urn:problem-type:trainlink:invalid-request`, with `errors`).", "BadRequest");
const NOT_FOUND = problem("No such resource.", "NotFound");

function ok(description: string, schema: z.ZodType, extra: Partial<ZodOpenApiResponseObject> = {}): ZodOpenApiResponseObject {
  return { description, headers: rateLimitHeaders, content: { "application/json": { schema } }, ...extra };
}

/**
 * One operation behind an API key: its scope named in the description and required by `security`, and the
 * wrapper's 401, 403, 429 and 500 added to `responses`.
 */
function keyed(scope: ApiKeyScope, operation: ZodOpenApiOperationObject & { operationId: string; responses: ZodOpenApiResponsesObject }) {
  return {
    ...operation,
    description: `${operation.description ?? ""}\n\nRequires an API key with the scope \`${scope}\`.`.trim(),
    security: [{ apiKey: [] }],
    responses: { ...operation.responses, ...KEY_PROBLEMS },
  } satisfies ZodOpenApiOperationObject;
}

/** Every path of the API and its operations. New resources (e.g. `/api/v1/webhook-endpoints`) are added here. */
export const API_PATHS: ZodOpenApiPathsObject = {
  "/api/v1/athletes": {
    get: keyed("connections:read", {
      operationId: "listAthletes",
      summary: "List athletes",
      description: "Every user with the athlete role (disabled ones included, flagged), ordered by name then id, a page at a time.",
      tags: ["Athletes"],
      requestParams: { query: AthletesQuerySchema },
      responses: { 200: ok("A page of athletes.", AthletePageSchema), 400: BAD_REQUEST },
    }),
  },
  "/api/v1/athletes/{id}/connections": {
    get: keyed("connections:read", {
      operationId: "listAthleteConnections",
      summary: "List an athlete's connections",
      description: "Every connection the athlete has or had, whatever its state; services never linked are absent.",
      tags: ["Athletes"],
      requestParams: { path: AthletePathSchema },
      responses: { 200: ok("The athlete's connections.", AthleteConnectionsSchema), 400: BAD_REQUEST, 404: NOT_FOUND },
    }),
  },
  "/api/v1/connections": {
    get: keyed("connections:read", {
      operationId: "listConnections",
      summary: "List connections",
      description: "Every connection of every athlete, optionally only one service's or only those with one status, ordered by id, a page at a time.",
      tags: ["Connections"],
      requestParams: { query: ConnectionsQuerySchema },
      responses: { 200: ok("A page of connections.", ConnectionPageSchema), 400: BAD_REQUEST },
    }),
  },
  "/api/v1/connections/{id}": {
    get: keyed("connections:read", {
      operationId: "getConnection",
      summary: "Get a connection",
      description: "One connection: its status, scopes, service account and when it last worked. Never its tokens.",
      tags: ["Connections"],
      requestParams: { path: ConnectionPathSchema },
      responses: { 200: ok("The connection.", ConnectionSchema), 400: BAD_REQUEST, 404: NOT_FOUND },
    }),
    delete: keyed("connections:revoke", {
      operationId: "revokeConnection",
      summary: "Revoke a connection",
      description:
        "Ends the connection as an admin's Revoke does: revokes TrainLink's access at the service (RFC 7009) where it has an endpoint, then deletes the tokens. When the service cannot be reached the answer is 202 and the revocation is retried automatically. Revoking a connection that has already ended answers 200 again (idempotent). Recorded in the audit log with the key's name.",
      tags: ["Connections"],
      requestParams: { path: ConnectionPathSchema },
      responses: {
        200: ok("Revoked (or already ended).", RevocationSchema),
        202: ok("The service was unreachable: the revocation is pending and retried automatically.", RevocationSchema),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        503: problem("The connection is being refreshed right now; try again after `Retry-After` seconds.", undefined, { "Retry-After": retryAfter }),
      },
    }),
  },
  "/api/v1/connections/{id}/access-token": {
    post: keyed("tokens:issue", {
      operationId: "issueAccessToken",
      summary: "Get a fresh access token",
      description:
        "The connection's access token for its service, refreshed first when it expires within the refresh margin (the same path every part of TrainLink uses). Each call is recorded in the connection's history with the key's name. Use the token at once; do not store it.",
      tags: ["Tokens"],
      requestParams: { path: ConnectionPathSchema },
      responses: {
        200: ok("A token valid for at least the refresh margin (when it expires at all).", AccessTokenSchema),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        409: {
          description:
            "The connection cannot give a token until the athlete acts: problem type `urn:problem-type:trainlink:connection-needs-reconnect` (reconnect the service) or `…:connection-not-connected` (link it); `detail` says what to do, `connection_status` the status.",
          headers: rateLimitHeaders,
          content: { [PROBLEM]: { schema: ConnectionProblemSchema } },
        },
        503: problem("The service could not refresh the token just now (kept, retried); try again after `Retry-After` seconds.", "Unavailable", {
          "Retry-After": retryAfter,
        }),
      },
    }),
  },
  "/api/v1/webhook-endpoints": {
    get: keyed("webhooks:manage", {
      operationId: "listWebhookEndpoints",
      summary: "List webhook endpoints",
      description: "Every registered webhook endpoint, oldest first, with its status. Never a signing secret.",
      tags: ["Webhooks"],
      responses: { 200: ok("The endpoints.", WebhookEndpointListSchema) },
    }),
    post: keyed("webhooks:manage", {
      operationId: "createWebhookEndpoint",
      summary: "Register a webhook endpoint",
      description:
        "Registers an endpoint for some lifecycle events. The answer holds its signing secret (`whsec_…`), shown this once: deliveries are signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The URL must be https on a public address (private and loopback addresses are refused unless the operator allows them). Recorded in the audit log with the key's name.",
      tags: ["Webhooks"],
      requestBody: { content: { "application/json": { schema: WebhookEndpointInputSchema } } },
      responses: {
        201: ok("The new endpoint and its signing secret.", CreatedWebhookEndpointSchema),
        400: problem("The body is not valid, or the URL is refused (problem type `…:webhook-endpoint-refused`, `detail` says why).", undefined),
        413: problem("The body is over 16 KiB.", undefined),
        415: problem("The body is not JSON.", undefined),
      },
    }),
  },
  "/api/v1/webhook-endpoints/{id}": {
    get: keyed("webhooks:manage", {
      operationId: "getWebhookEndpoint",
      summary: "Get a webhook endpoint",
      description: "One endpoint and its status (`active`, `failing` or `disabled`). Never its signing secret.",
      tags: ["Webhooks"],
      requestParams: { path: WebhookEndpointPathSchema },
      responses: { 200: ok("The endpoint.", WebhookEndpointSchema), 400: BAD_REQUEST, 404: NOT_FOUND },
    }),
    delete: keyed("webhooks:manage", {
      operationId: "deleteWebhookEndpoint",
      summary: "Delete a webhook endpoint",
      description: "Deletes the endpoint and its delivery log; deliveries not yet made are dropped. Recorded in the audit log with the key's name.",
      tags: ["Webhooks"],
      requestParams: { path: WebhookEndpointPathSchema },
      responses: { 204: { description: "Deleted.", headers: rateLimitHeaders }, 400: BAD_REQUEST, 404: NOT_FOUND },
    }),
  },
  "/api/v1/webhook-endpoints/{id}/test": {
    post: keyed("webhooks:manage", {
      operationId: "sendWebhookTestEvent",
      summary: "Send a test event",
      description: "Queues a signed `webhook.test` event for the endpoint, delivered within seconds like any other.",
      tags: ["Webhooks"],
      requestParams: { path: WebhookEndpointPathSchema },
      responses: {
        202: ok("Queued.", WebhookTestSchema),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        409: problem("The endpoint is disabled: an admin must re-enable it first.", undefined),
      },
    }),
  },
  "/api/v1/openapi.json": {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document",
      description: "The OpenAPI 3.1 document of this API. Needs no key.",
      tags: ["Meta"],
      security: [],
      responses: {
        200: { description: "The OpenAPI document.", content: { "application/json": { schema: z.looseObject({ openapi: z.string() }) } } },
      },
    },
  },
};

let cached: { serverUrl: string; document: ReturnType<typeof createDocument> } | undefined;

/**
 * The OpenAPI 3.1.0 document (a plain JSON-ready object) with `servers: [{ url: serverUrl }]` (default
 * NEXTAUTH_URL, the app's public origin) and the `apiKey` bearer security scheme; built once per server URL.
 */
export function openApiDocument(serverUrl: string = env.NEXTAUTH_URL) {
  if (cached?.serverUrl === serverUrl) return cached.document;
  const document = createDocument({
    openapi: "3.1.0",
    info: {
      title: "TrainLink API",
      version: "1",
      description:
        "The integrator's API of TrainLink: athletes, their connections to training services, and fresh access tokens for them. Authenticate with an API key an admin created (`Authorization: Bearer tlk_…`). Errors are RFC 9457 problem details (`application/problem+json`).",
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: "Athletes", description: "Users with the athlete role." },
      { name: "Connections", description: "An athlete's link to a training service." },
      { name: "Tokens", description: "Fresh access tokens for a connection's service." },
      {
        name: "Webhooks",
        description:
          "Endpoints that receive signed lifecycle events: connection.linked, connection.refresh_failed, connection.needs_reauth, connection.revoked, connection.recovered, connection.scopes_missing. Each delivery is a POST of `{ type, timestamp, data: { connection_id, athlete_id, service, status, reason } }`, retried with backoff for 24 hours on timeouts, 5xx and 429.",
      },
      { name: "Meta", description: "About this API." },
    ],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "tlk_<8 hex>_<base64url>",
          description: "An API key created by an admin on the API page; its scopes decide which operations it may call.",
        },
      },
    },
    paths: API_PATHS,
  });
  cached = { serverUrl, document };
  return document;
}
