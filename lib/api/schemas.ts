import "zod-openapi";
import { z } from "zod";
import { SERVICE_IDS, WEBHOOK_EVENT_TYPES } from "@/db/enums";
import { ProblemSchema } from "@/lib/api/problem";
import { LISTABLE_STATUSES } from "@/lib/connections/status-sql";
import { cursorCodec } from "@/lib/keyset";

/**
 * The zod schemas of /api/v1: the handlers parse their input with them and build their answers to their types;
 * lib/api/openapi.ts generates the OpenAPI document from these very objects. JSON fields are snake_case,
 * instants ISO 8601 in UTC, and no schema here has a field for a token except AccessTokenSchema.
 */

/** An ISO 8601 instant in UTC, as `Date.toISOString()` writes it (rendered as `format: date-time`, without zod's long pattern). */
const isoInstant = () =>
  z.iso.datetime().meta({
    override: ({ jsonSchema }) => {
      delete jsonSchema.pattern;
    },
  });
const instant = (description: string) => isoInstant().nullable().meta({ description, example: "2026-03-01T08:30:00.000Z" });

/** An opaque page cursor of the list `codec` serves: decodes to its sort key, or fails validation (400). */
function cursorParam<C>(codec: { decode(value: string | undefined): C | null }) {
  return z
    .string()
    .max(1000)
    .transform((value, ctx) => {
      const cursor = codec.decode(value);
      if (cursor === null) {
        ctx.addIssue({ code: "custom", message: "This cursor is not one this list gave out; start again without it." });
        return z.NEVER;
      }
      return cursor;
    })
    .optional()
    .meta({ description: "The `next_cursor` of the previous page; omit it for the first page.", example: "WyJBbm5hIiwiYTEiXQ" });
}

const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, "Give a whole number from 1 to 200.")
  .transform(Number)
  .pipe(z.number().int().min(1, "Give a whole number from 1 to 200.").max(200, "Give a whole number from 1 to 200."))
  .optional()
  .meta({
    description: "How many items a page holds, 1 to 200 (default 50).",
    example: 50,
    override: ({ jsonSchema }) => {
      delete jsonSchema.pattern;
      Object.assign(jsonSchema, { type: "integer", minimum: 1, maximum: 200, default: 50 });
    },
  });

/** A list's default page size. */
export const DEFAULT_PAGE_SIZE = 50;

/** Where a page of athletes starts: the (name, id) of the last athlete of the page before. */
export const athletesCursor = cursorCodec(z.tuple([z.string().max(500), z.string().max(100)]));
/** Where a page of connections starts: the id of the last connection of the page before. */
export const connectionsCursor = cursorCodec(z.tuple([z.string().max(100)]));

export const ServiceSchema = z.enum(SERVICE_IDS).meta({ id: "Service", description: "A training service TrainLink links." });
export const ConnectionStatusSchema = z.enum(LISTABLE_STATUSES).meta({
  id: "ConnectionStatus",
  description:
    "The connection's derived status: `connected`; `expiring` (the access token expires within the refresh margin; a token request refreshes it); `refresh_failing` (transient failures, retried); `missing_permissions` (a required scope was not granted); `needs_reauth` and `revoked_by_service` (the athlete must reconnect); `revocation_pending` (being disconnected); `not_connected`.",
});

const id = z.string().min(1).max(100);

export const AthletePathSchema = z.object({ id: id.meta({ description: "The athlete's id.", example: "0b5c6f0e-3f53-4a55-9a8b-6f1c2d9e7a10" }) });
export const ConnectionPathSchema = z.object({
  id: id.meta({ description: "The connection's id.", example: "4f0e2a9c-1d2b-4c3e-8f5a-6b7c8d9e0f1a" }),
});

export const AthletesQuerySchema = z.object({ limit: limitParam, cursor: cursorParam(athletesCursor) });
export const ConnectionsQuerySchema = z.object({
  service: ServiceSchema.optional(),
  status: ConnectionStatusSchema.optional(),
  limit: limitParam,
  cursor: cursorParam(connectionsCursor),
});

export const AthleteSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    created_at: isoInstant(),
    disabled: z.boolean().meta({ description: "True when an admin disabled this user: the athlete cannot sign in." }),
    coach_ids: z.array(z.string()).meta({ description: "The ids of the coaches whose roster holds this athlete." }),
  })
  .meta({ id: "Athlete", description: "A user with the athlete role." });

const nextCursor = z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." });

export const AthletePageSchema = z
  .object({ data: z.array(AthleteSchema), next_cursor: nextCursor })
  .meta({ id: "AthletePage", description: "A page of athletes ordered by name, then id." });

export const ConnectionSchema = z
  .object({
    id: z.string(),
    athlete_id: z.string(),
    service: ServiceSchema,
    status: ConnectionStatusSchema,
    state: z
      .enum(["connected", "needs_reauth", "revocation_pending", "revoked_by_service", "disconnected"])
      .meta({ description: "The stored lifecycle state the status is derived from." }),
    granted_scopes: z.array(z.string()).meta({ description: "The scopes the athlete granted (RFC 6749 §3.3)." }),
    requested_scopes: z.array(z.string()).meta({ description: "The scopes TrainLink asked for when linking." }),
    missing_scopes: z.array(z.string()).meta({ description: "Scopes the service requires that were not granted (status `missing_permissions`)." }),
    service_account_id: z.string().nullable().meta({ description: "The athlete's account id at the service." }),
    environment: z.string().nullable().meta({ description: "The service's environment the connection was made in, when it has several." }),
    linked_at: instant("When the athlete linked the service."),
    last_refreshed_at: instant("When the access token was last refreshed."),
    last_verified_at: instant("When the connection last proved to work (a refresh or a verification request)."),
    access_token_expires_at: instant("When the stored access token expires; null when it does not expire or none is stored."),
    last_error: z.string().nullable().meta({ description: "The last refresh or revocation error, for people." }),
  })
  .meta({ id: "Connection", description: "One athlete's link to one service. Never holds a token." });

export const ConnectionPageSchema = z
  .object({ data: z.array(ConnectionSchema), next_cursor: nextCursor })
  .meta({ id: "ConnectionPage", description: "A page of connections ordered by id." });

export const AthleteConnectionsSchema = z
  .object({ data: z.array(ConnectionSchema) })
  .meta({ id: "AthleteConnections", description: "Every connection of one athlete, whatever its state, ordered by service." });

export const AccessTokenSchema = z
  .object({
    access_token: z.string().meta({ description: "The service's access token: use it at once, never log or store it." }),
    token_type: z.literal("Bearer"),
    expires_at: isoInstant().nullable().meta({ description: "When the token expires; null when the service gives no expiry." }),
    expires_in: z.number().int().nullable().meta({ description: "Seconds until `expires_at`; null when there is none.", example: 3541 }),
    scopes: z.array(z.string()).meta({ description: "The scopes the token carries." }),
  })
  .meta({ id: "AccessToken", description: "A fresh access token for the connection's service (RFC 6749 §5.1)." });

export const RevocationSchema = z
  .object({
    id: z.string(),
    status: z.enum(["revoked", "revocation_pending"]).meta({
      description:
        "`revoked`: ended here (and at the service where it has an endpoint); `revocation_pending`: the service was unreachable, tokens are kept until it accepts, retried automatically.",
    }),
    detail: z.string().meta({ description: "What happened, for people." }),
  })
  .meta({ id: "Revocation", description: "The outcome of a revocation." });

export type AthleteBody = z.input<typeof AthleteSchema>;
export type ConnectionBody = z.input<typeof ConnectionSchema>;
export type AccessTokenBody = z.input<typeof AccessTokenSchema>;
export type RevocationBody = z.input<typeof RevocationSchema>;

/** The 409 problem of a token request for a connection that cannot give one: RFC 9457 with `connection_status`. */
export const ConnectionProblemSchema = ProblemSchema.extend({
  connection_status: ConnectionStatusSchema.meta({ description: "The connection's status, which says what the athlete must do." }),
}).meta({ id: "ConnectionProblem", description: "A problem about the connection's state, with its status." });

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).meta({
  id: "WebhookEventType",
  description: "A connection lifecycle event a webhook endpoint can receive (the Standard Webhooks `type`).",
});

export const WebhookEndpointPathSchema = z.object({ id: z.string().min(1).max(100).meta({ description: "The webhook endpoint's id." }) });

export const WebhookEndpointInputSchema = z
  .object({
    url: z.string().min(1).max(2000).meta({
      description: "Where TrainLink POSTs the events: an https URL on a public address.",
      example: "https://planner.example.com/hooks/trainlink",
    }),
    description: z.string().max(200).nullable().optional().meta({ description: "What the endpoint is for, for people." }),
    events: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENT_TYPES.length).meta({ description: "The events to receive (at least one)." }),
  })
  .meta({ id: "WebhookEndpointInput", description: "A webhook endpoint to register." });

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(WebhookEventTypeSchema),
    created_at: isoInstant(),
    status: z.enum(["active", "failing", "disabled"]).meta({
      description:
        "`failing`: its recent deliveries failed (retried for 24 hours); `disabled`: it failed for days and receives nothing until an admin re-enables it.",
    }),
    failing_since: instant("When its current run of failed deliveries began; null while they succeed."),
    disabled_at: instant("When it was disabled; null while enabled."),
    disabled_reason: z.string().nullable(),
  })
  .meta({ id: "WebhookEndpoint", description: "An integrator's webhook endpoint. Its signing secret is shown once, when it is created." });

export const WebhookEndpointListSchema = z
  .object({ data: z.array(WebhookEndpointSchema) })
  .meta({ id: "WebhookEndpointList", description: "Every webhook endpoint, oldest first." });

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({
  secret: z.string().meta({
    description: "The signing secret (`whsec_…`, Standard Webhooks): verify every delivery's `webhook-signature` with it. Shown only in this answer.",
  }),
}).meta({ id: "CreatedWebhookEndpoint", description: "The new endpoint with its signing secret, shown once." });

export const WebhookTestSchema = z
  .object({ detail: z.string() })
  .meta({ id: "WebhookTest", description: "A test event (`webhook.test`) was queued for the endpoint." });

export type WebhookEndpointBody = z.input<typeof WebhookEndpointSchema>;
