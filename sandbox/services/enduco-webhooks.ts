/**
 * enduco's notifications (provider management interface: "Deregister Webhook URL", "Plan Changed
 * Webhook URL"). The doc defines neither body nor signature; the sandbox sends
 * `{"userId", "event", "occurredAt"}` as JSON, unsigned. Triggered through the control API.
 */
import type { SandboxContext } from "../context.js";
import { enducoUserId } from "../tokens.js";

export const WEBHOOK_KINDS = ["deregister", "plan_changed"] as const;

export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** True when `value` names a webhook kind. */
export function isWebhookKind(value: unknown): value is WebhookKind {
  return typeof value === "string" && (WEBHOOK_KINDS as readonly string[]).includes(value);
}

export type WebhookResult = { outcome: "delivered"; status: number } | { outcome: "not_configured" } | { outcome: "unreachable" };

/** The JSON body of one notification. */
export interface WebhookBody {
  userId: string;
  event: WebhookKind;
  occurredAt: string;
}

function configuredUrl(ctx: SandboxContext, kind: WebhookKind): string | undefined {
  const { enduco } = ctx.config;
  return kind === "deregister" ? enduco.deregisterWebhookUrl : enduco.planChangedWebhookUrl;
}

/** POSTs the body; the receiver's HTTP status (redirects not followed), or undefined on network error or timeout. */
async function post(url: string, body: WebhookBody, timeoutMs: number): Promise<number | undefined> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return undefined;
  }
  await res.body?.cancel().catch(() => undefined); // the answer's body is not used
  return res.status;
}

/**
 * Sends one enduco notification about `account` (a sandbox username). For `deregister` the account's
 * enduco grants and tokens are revoked first (the user cancelled access at enduco), even when the
 * delivery then fails. Nothing happens when the URL for `kind` is not configured. Every attempt is
 * recorded as endpoint `webhook` with the receiver's status (0 when unreachable).
 */
export async function sendEnducoWebhook(ctx: SandboxContext, kind: WebhookKind, account: string): Promise<WebhookResult> {
  const url = configuredUrl(ctx, kind);
  if (url === undefined) return { outcome: "not_configured" };
  if (kind === "deregister") ctx.state.revokeAccount("enduco", account);
  const body: WebhookBody = { userId: enducoUserId(account), event: kind, occurredAt: new Date().toISOString() };
  const status = await post(url, body, ctx.config.webhookTimeoutMs);
  ctx.state.record({
    service: "enduco",
    endpoint: "webhook",
    event: kind,
    status: status ?? 0,
    account,
    at: new Date().toISOString(),
  });
  return status === undefined ? { outcome: "unreachable" } : { outcome: "delivered", status };
}
