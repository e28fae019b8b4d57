/**
 * The service configuration that points the app at the local sandbox (sandbox/server.ts), with the client
 * credentials the sandbox accepts by default. Used by `npm run demo` and the e2e tests; never by the app
 * itself, which only knows base URLs.
 */
export function sandboxServiceEnv(sandboxUrl: string, appUrl: string): Record<string, string> {
  const webhookSecret = "sandbox-enduco-webhook-secret";
  return {
    // The app's webhook secret, and the URLs the sandbox's "provider management interface" sends webhooks to.
    ENDUCO_WEBHOOK_SECRET: webhookSecret,
    // The sandbox verifies PKCE whenever a code_challenge is sent.
    TRAINERDAY_PKCE: "true",
    ENDUCO_PKCE: "true",
    ENDUCO_DEREGISTER_WEBHOOK_URL: `${appUrl}/api/webhooks/enduco/deregister/${webhookSecret}`,
    ENDUCO_PLAN_CHANGED_WEBHOOK_URL: `${appUrl}/api/webhooks/enduco/plan-changed/${webhookSecret}`,
    TRAINERDAY_BASE_URL: `${sandboxUrl}/trainerday`,
    TRAINERDAY_CLIENT_ID: "sandbox-trainerday-client",
    TRAINERDAY_CLIENT_SECRET: "sandbox-trainerday-secret",
    ENDUCO_BASE_URL: `${sandboxUrl}/enduco`,
    ENDUCO_CLIENT_ID: "sandbox-enduco-client",
    ENDUCO_CLIENT_SECRET: "sandbox-enduco-secret",
    FITRANKINGS_BASE_URL: `${sandboxUrl}/fitrankings`,
    FITRANKINGS_CLIENT_ID: "sandbox-fitrankings-client",
    FITRANKINGS_CLIENT_SECRET: "sandbox-fitrankings-secret",
    EXORLIVE_AUTH_URL: `${sandboxUrl}/exorlive`,
    EXORLIVE_CLIENT_ID: "sandbox-exorlive-client",
    EXORLIVE_CLIENT_SECRET: "sandbox-exorlive-secret",
    EXORLIVE_REQUESTER_URL: `${appUrl}/exorlive`,
  };
}
