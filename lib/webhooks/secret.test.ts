import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { webhookEndpoints } from "@/db/schema";
import { open, parseKeyring, sealedKeyId } from "@/lib/crypto";
import { rotateKeys } from "@/lib/connections/rotate-keys";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { openWebhookSecret, webhookSecretContext } from "@/lib/webhooks/secret";
import { openMigratedDb } from "@/tests/helpers/db";

// Webhook signing secrets are sealed like tokens, open only in their own row, and are re-sealed by keys:rotate.

const OLD = `old:${randomBytes(32).toString("base64")}`;
const NEW = `new:${randomBytes(32).toString("base64")}`;

before(async () => {
  Object.assign(process.env, { TOKEN_ENCRYPTION_KEY: OLD, WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
  await openMigratedDb();
});

it("a secret opens in its own row only, and keys:rotate re-seals it under the new key", async () => {
  const a = await createWebhookEndpoint({ userId: null, label: "test" }, { url: "https://127.0.0.1/a", events: ["connection.linked"] });
  const b = await createWebhookEndpoint({ userId: null, label: "test" }, { url: "https://127.0.0.1/b", events: ["connection.linked"] });
  assert.ok(!("error" in a) && !("error" in b));
  const stored = async (id: string) => (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).then(firstRow))!;
  const rowA = await stored(a.endpoint.id);
  assert.equal(rowA.keyId, "old");
  assert.equal(openWebhookSecret(rowA.secret, a.endpoint.id), a.secret);
  assert.throws(() => openWebhookSecret(rowA.secret, b.endpoint.id), /failed authentication/, "copied to another row, it does not open");

  assert.deepEqual(await rotateKeys(db, parseKeyring(`${NEW},${OLD}`)), { resealed: 2, current: 0 });
  const rotated = await stored(a.endpoint.id);
  assert.equal(sealedKeyId(rotated.secret), "new");
  assert.equal(rotated.keyId, "new");
  assert.equal(open(rotated.secret, parseKeyring(NEW), webhookSecretContext(a.endpoint.id)), a.secret, "opens without the old key");
});
