import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { appCredentials } from "@/db/schema";
import { open, seal, sealedKeyId } from "@/lib/crypto";
import { getIntegration, isTokenInCallback, type TokenInCallbackIntegration } from "@/lib/integrations/registry";
import { ServiceError } from "@/lib/integrations/http";
import { getKeyring } from "@/lib/connections/sealing";

const SERVICE = "fitrankings" as const;
const KIND = "master_token";
const CONTEXT = `app_credentials.${SERVICE}.${KIND}`;

function integration(): TokenInCallbackIntegration {
  const found = getIntegration(SERVICE);
  if (!isTokenInCallback(found)) throw new Error("FitRankings is expected to be a token-in-callback integration");
  return found;
}

/** Whether the FitRankings master token is held, and when it was obtained. Never the token itself. */
export async function masterTokenStatus(): Promise<{ held: boolean; obtainedAt: Date | null }> {
  const row = await db
    .select({ obtainedAt: appCredentials.obtainedAt })
    .from(appCredentials)
    .where(and(eq(appCredentials.service, SERVICE), eq(appCredentials.kind, KIND)))
    .limit(1)
    .then(firstRow);
  return { held: Boolean(row), obtainedAt: row?.obtainedAt ?? null };
}

/**
 * Obtains a new FitRankings master token (`POST /iq/tokens/master-token/`) and stores it sealed, replacing
 * the previous one. Throws ServiceError when FitRankings refuses; the stored token is then left as it was.
 */
export async function renewMasterToken(): Promise<Date> {
  const token = await integration().obtainMasterToken();
  const value = seal(token, getKeyring(), CONTEXT);
  const obtainedAt = new Date();
  await db
    .insert(appCredentials)
    .values({ service: SERVICE, kind: KIND, value, keyId: sealedKeyId(value), obtainedAt })
    .onConflictDoUpdate({ target: [appCredentials.service, appCredentials.kind], set: { value, keyId: sealedKeyId(value), obtainedAt } });
  return obtainedAt;
}

async function storedMasterToken(): Promise<string | null> {
  const row = await db
    .select({ value: appCredentials.value })
    .from(appCredentials)
    .where(and(eq(appCredentials.service, SERVICE), eq(appCredentials.kind, KIND)))
    .limit(1)
    .then(firstRow);
  return row ? open(row.value, getKeyring(), CONTEXT) : null;
}

/**
 * Runs `call` with the FitRankings master token: the stored one is reused; if none is stored, one is obtained
 * first; if FitRankings rejects it (401/403), a new one is obtained, stored, and `call` runs once more.
 * Throws what `call` or the renewal throws (ServiceError).
 */
export async function withMasterToken<T>(call: (masterToken: string) => Promise<T>): Promise<T> {
  let token = await storedMasterToken();
  if (token === null) {
    await renewMasterToken();
    token = (await storedMasterToken())!;
  }
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof ServiceError) || (error.status !== 401 && error.status !== 403)) throw error;
    await renewMasterToken();
    return call((await storedMasterToken())!);
  }
}

/** Checks FitRankings access at the application level: how many activities the master token sees. */
export async function checkFitRankingsAccess(): Promise<number> {
  return withMasterToken((token) => integration().countActivities(token));
}
