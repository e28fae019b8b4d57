import type { ServiceDefinition } from "@/lib/integrations/types";

/**
 * TrainerDay (docs/provider-docs/trainerday.txt): authorization code with client_id and client_secret in the token
 * request body; the code lives about 30 s; refresh tokens rotate; `POST /oauth/revoke` with `token=<access
 * token>` destroys the access token. We ask for read access only: the dashboard reads, it does not plan workouts,
 * and it needs all three (the consent page lets the athlete untick any of them).
 */
export const TRAINERDAY = {
  id: "trainerday",
  name: "TrainerDay",
  doc: "trainerday.txt",
  flow: "authorization_code",
  environments: { "trainerday.com": "production" },
  paths: { authorize: "/oauth/authorize", token: "/oauth/token", revoke: "/oauth/revoke" },
  clientAuth: "client_secret_post",
  scopes: [
    { id: "calendar:read", description: "See the workouts planned on your TrainerDay calendar" },
    { id: "calendar:write", description: "Add workouts to your TrainerDay calendar" },
    { id: "calendar:delete", description: "Remove workouts from your TrainerDay calendar" },
    { id: "workout:read", description: "See your TrainerDay workouts" },
    { id: "workout:write", description: "Create and change TrainerDay workouts" },
    { id: "workout:delete", description: "Delete TrainerDay workouts" },
    { id: "athlete:read", description: "See your TrainerDay athlete profile" },
    { id: "athlete:write", description: "Change your TrainerDay athlete profile" },
  ],
  requestedScopes: ["athlete:read", "calendar:read", "workout:read"],
  requiredScopes: ["athlete:read", "calendar:read", "workout:read"],
  revocation: "access_token",
} as const satisfies ServiceDefinition;
