import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { serviceSettings, type ServiceId } from "@/db/schema";
import type { Integration } from "@/lib/integrations";
import type { IssuedTokens } from "@/lib/integrations/tokens";
import { credentialsAccepted } from "./service-health";
import { AccountInUseError, linked } from "./transitions";

/** Thrown when a link cannot be stored; `code` is one of the link failure codes shown to the user. */
export class LinkError extends Error {
  override name = "LinkError";
  constructor(readonly code: "account_in_use" | "no_scope_granted") {
    super(code);
  }
}

/**
 * Stores (or replaces) the connection of `athleteId` to `integration` with freshly issued tokens, sealed,
 * and writes a `linked`/`relinked` event, all in one IMMEDIATE transaction (the `linked` transition): either
 * the whole connection is written or nothing is. When the service did not say which scope it granted, the requested scope is
 * recorded as granted (RFC 6749 §5.1: scope is omitted when identical to the request).
 * Throws LinkError("account_in_use") when the service account is already connected to another user.
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
  if (integration.requestedScopes.length > 0 && granted.length === 0) throw new LinkError("no_scope_granted");
  try {
    linked({
      athleteId: input.athleteId,
      actorId: input.actorId,
      service: integration.id,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, tokenType: tokens.tokenType, grantedScope: granted },
      accountId: input.accountId,
      requestedScopes: integration.requestedScopes,
      environment: integration.environment,
      note: input.note,
    });
  } catch (error) {
    if (error instanceof AccountInUseError) throw new LinkError("account_in_use");
    throw error;
  }
  credentialsAccepted(integration.id);
}

/** What earlier exchanges taught us about `service` (service_settings rows as a key → value record). */
export async function getLearnedSettings(service: ServiceId): Promise<Record<string, string>> {
  const rows = db.select().from(serviceSettings).where(eq(serviceSettings.service, service)).all();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Remembers facts about `service` for later exchanges (upsert per key). */
export async function saveLearnedSettings(service: ServiceId, learned: Record<string, string>): Promise<void> {
  const now = new Date();
  for (const [key, value] of Object.entries(learned)) {
    db.insert(serviceSettings)
      .values({ service, key, value, updatedAt: now })
      .onConflictDoUpdate({ target: [serviceSettings.service, serviceSettings.key], set: { value, updatedAt: now } })
      .run();
  }
}
