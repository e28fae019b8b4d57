import type { ServiceDefinition } from "@/lib/integrations/types";

/**
 * enduco (docs/provider-docs/enduco.txt): authorization code with `state`; HTTP Basic client authentication at every
 * token-endpoint call; the documented code grant is `grant_type=code`; revocation sends the refresh token (§2.3);
 * a beta and a production environment. The dashboard reads the athlete's plans and intensity zones, so those two
 * scopes are required; `workouts_write` (uploading finished workouts) is asked for, but a connection without it
 * still works.
 */
export const ENDUCO = {
  id: "enduco",
  name: "enduco",
  doc: "enduco.txt",
  flow: "authorization_code",
  environments: { "api.prod.enduco.app": "production", "beta-api.dev.enduco.app": "beta" },
  paths: { authorize: "/oauth2/authorize", token: "/oauth2/token", revoke: "/oauth2/revoke" },
  clientAuth: "client_secret_basic",
  scopes: [
    { id: "workouts_write", description: "Upload finished workouts as FIT files to your enduco account" },
    { id: "plans_read", description: "Fetch your training plans up to 7 days ahead" },
    { id: "user_read", description: "Fetch your intensity zones" },
  ],
  requestedScopes: ["plans_read", "user_read", "workouts_write"],
  requiredScopes: ["plans_read", "user_read"],
  revocation: "refresh_token",
} as const satisfies ServiceDefinition;
