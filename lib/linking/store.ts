import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { serviceSettings, type ServiceId } from "@/db/schema";
import { isAuthorizationCode, type Integration } from "@/lib/integrations/registry";
import { ServiceError } from "@/lib/integrations/http";
import type { IssuedTokens } from "@/lib/integrations/tokens";
import { retryRevocation } from "@/lib/connections/disconnect";
import { findConnection } from "@/lib/connections/queries";
import { recordEvent } from "@/lib/connections/events";
import { log } from "@/lib/log";
import { credentialsAccepted } from "@/lib/connections/service-health";
import { AccountInUseError, IllegalTransitionError, linked } from "@/lib/connections/transitions";
import { countLink } from "@/lib/metrics/registry";

/** Thrown when a link cannot be stored; `code` is one of the link failure codes shown to the user. */
export class LinkError extends Error {
  override name = "LinkError";
  constructor(readonly code: "account_in_use" | "no_scope_granted" | "revocation_pending") {
    super(code);
  }
}

/**
 * Stores (or replaces) the connection of `athleteId` to `integration` with freshly issued tokens, sealed,
 * and writes a `linked`/`relinked` event, all in one IMMEDIATE transaction (the `linked` transition): either
 * the whole connection is written or nothing is. When the service did not say which scope it granted, the
 * requested scope is recorded as granted (RFC 6749 §5.1: scope is omitted when identical to the request).
 *
 * A connection whose Disconnect is still owed to the service (`revocation_pending`) is settled first: the
 * service just answered the exchange, so its revocation is retried now; only when it still fails is the link
 * refused. Tokens that are not kept, whatever the reason, are revoked at the service where it documents a
 * revocation endpoint (best effort, RFC 7009), with a `tokens_discarded` event saying what happened
 * (docs/SECURITY.md row 19): a refused link never leaves a live grant behind that nobody holds.
 *
 * Throws LinkError("account_in_use") when the service account is connected to another athlete,
 * LinkError("no_scope_granted") when the athlete granted none of the requested scopes, and
 * LinkError("revocation_pending") when the earlier Disconnect could still not be completed.
 */
export async function storeLinkedConnection(input: {
  athleteId: string;
  actorId: string;
  integration: Integration;
  tokens: IssuedTokens;
  accountId: string | null;
  note?: string;
}): Promise<void> {
  const { integration, tokens } = input;
  const granted = tokens.grantedScope ?? [...integration.requestedScopes];
  try {
    if (integration.requestedScopes.length > 0 && granted.length === 0) throw new LinkError("no_scope_granted");
    await settlePendingRevocation(input.athleteId, integration.id);
    await linked({
      athleteId: input.athleteId,
      actorId: input.actorId,
      service: integration.id,
      tokens: {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
        tokenType: tokens.tokenType,
        grantedScope: granted,
      },
      accountId: input.accountId,
      requestedScopes: integration.requestedScopes,
      environment: integration.environment,
      note: input.note,
    });
  } catch (error) {
    const failure =
      error instanceof AccountInUseError
        ? new LinkError("account_in_use")
        : error instanceof IllegalTransitionError && error.actual === "revocation_pending"
          ? new LinkError("revocation_pending")
          : error;
    await discardIssuedTokens(input, failure instanceof LinkError ? failure.code : "the connection could not be stored");
    throw failure;
  }
  countLink(integration.id, "success");
  await credentialsAccepted(integration.id);
}

/**
 * When the athlete's connection to `service` still owes a revocation, retries it now (the lease-held path the
 * refresher uses). Throws LinkError("revocation_pending") when it is still owed afterwards.
 */
async function settlePendingRevocation(athleteId: string, service: ServiceId): Promise<void> {
  const connection = await findConnection(athleteId, service);
  if (connection?.state !== "revocation_pending") return;
  if ((await retryRevocation(connection.id)) !== "revoked") throw new LinkError("revocation_pending");
}

/**
 * Revokes tokens that were issued for a link that is not kept (best effort: RFC 7009 revocation where the
 * service documents one; the refresh token where it revokes by refresh token) and records what happened as
 * a `tokens_discarded` event. Never throws.
 */
async function discardIssuedTokens(
  input: { athleteId: string; actorId: string; integration: Integration; tokens: IssuedTokens },
  reason: string,
): Promise<void> {
  const { integration, tokens } = input;
  let outcome: string;
  if (!isAuthorizationCode(integration) || integration.revocation === "none") {
    outcome = `${integration.name} documents no revocation endpoint; the tokens it issued were dropped unused`;
  } else {
    try {
      await integration.revoke({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      outcome = `the tokens ${integration.name} issued were revoked there`;
    } catch (error) {
      outcome = `the tokens ${integration.name} issued could not be revoked (${error instanceof ServiceError ? error.message : "unexpected error"}); they were dropped unused`;
    }
  }
  try {
    await recordEvent({
      actorId: input.actorId,
      athleteId: input.athleteId,
      service: integration.id,
      kind: "tokens_discarded",
      detail: `not linked (${reason}); ${outcome}`,
    });
  } catch (error) {
    log.error(
      { component: "link", service: integration.id, detail: error instanceof Error ? error.message : "unknown error" },
      "could not record tokens_discarded",
    );
  }
}

/** What earlier exchanges taught us about `service` (service_settings rows as a key → value record). */
export async function getLearnedSettings(service: ServiceId): Promise<Record<string, string>> {
  const rows = await db.select().from(serviceSettings).where(eq(serviceSettings.service, service));
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Remembers facts about `service` for later exchanges (upsert per key). */
export async function saveLearnedSettings(service: ServiceId, learned: Record<string, string>): Promise<void> {
  const now = new Date();
  for (const [key, value] of Object.entries(learned)) {
    await db
      .insert(serviceSettings)
      .values({ service, key, value, updatedAt: now })
      .onConflictDoUpdate({ target: [serviceSettings.service, serviceSettings.key], set: { value, updatedAt: now } });
  }
}
