import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import { db } from "@/db";
import { accounts, serviceSettings, type ServiceId } from "@/db/schema";
import { sealedKeyId } from "@/lib/crypto";
import type { Integration } from "@/lib/integrations";
import type { IssuedTokens } from "@/lib/integrations/tokens";
import { recordEvent } from "./events";
import { sealToken } from "./sealing";

/** Thrown when a link cannot be stored; `code` is one of the link failure codes shown to the user. */
export class LinkError extends Error {
  override name = "LinkError";
  constructor(readonly code: "account_in_use" | "no_scope_granted") {
    super(code);
  }
}

/**
 * Stores (or replaces) the connection of `athleteId` to `integration` with freshly issued tokens, sealed,
 * and writes a `linked`/`relinked` event, all in one IMMEDIATE transaction: either the whole connection is
 * written or nothing is. When the service did not say which scope it granted, the requested scope is
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
  const { athleteId, actorId, integration, tokens, accountId } = input;
  const granted = tokens.grantedScope ?? [...integration.requestedScopes];
  if (integration.requestedScopes.length > 0 && granted.length === 0) throw new LinkError("no_scope_granted");
  db.transaction(
    (tx) => {
      if (accountId) {
        const other = tx
          .select({ id: accounts.id })
          .from(accounts)
          .where(and(eq(accounts.provider, integration.id), eq(accounts.providerAccountId, accountId), ne(accounts.userId, athleteId)))
          .get();
        if (other) throw new LinkError("account_in_use");
      }
      const existing = tx
        .select({ id: accounts.id, state: accounts.state })
        .from(accounts)
        .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, integration.id)))
        .get();
      const id = existing?.id ?? randomUUID();
      const now = new Date();
      const accessToken = sealToken(tokens.accessToken, id, "access_token");
      const row = {
        providerAccountId: accountId,
        accessToken,
        refreshToken: tokens.refreshToken ? sealToken(tokens.refreshToken, id, "refresh_token") : null,
        keyId: sealedKeyId(accessToken),
        expiresAt: tokens.expiresAt,
        tokenType: tokens.tokenType,
        scope: granted.join(" "),
        requestedScope: integration.requestedScopes.join(" "),
        environment: integration.environment,
        state: "connected" as const,
        linkedAt: now,
        lastRefreshedAt: null,
        lastError: null,
        lastErrorAt: null,
        failureCount: 0,
        nextAttemptAt: null,
        refreshLeaseUntil: null,
        refreshLeaseOwner: null,
        updatedAt: now,
      };
      if (existing) {
        tx.update(accounts).set(row).where(eq(accounts.id, id)).run();
      } else {
        tx.insert(accounts).values({ id, userId: athleteId, provider: integration.id, type: "oauth", ...row }).run();
      }
      const relinked = existing?.state === "connected";
      recordEvent(
        {
          actorId,
          athleteId,
          service: integration.id,
          kind: relinked ? "relinked" : "linked",
          detail: [`granted: ${row.scope || "(none)"}`, input.note].filter(Boolean).join("; "),
        },
        tx,
      );
    },
    { behavior: "immediate" },
  );
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
