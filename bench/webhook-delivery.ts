/**
 * The webhook line of `npm run bench --webhooks` (or alone: `tsx --conditions=react-server bench/webhook-delivery.ts
 * [events]` with DATABASE_URL and the keys set, e.g. the bench environment of bench/config.ts): `events` (argument,
 * default 5,000) connection events written through recordEvent (each with its delivery, in its transaction) for one
 * endpoint on a local receiver (node:http on 127.0.0.1) that fails 30 % of requests at random (500s, 429s with and
 * without Retry-After: 1, dropped connections, answers that never come), then delivered by the real worker pass
 * (64 in flight, WEBHOOK_TIMEOUT_MS 1,500 ms) until every one is delivered. Retries are compressed (50 ms doubling to
 * 1 s, Retry-After still honoured): the production schedule (5 s doubling to 1 h) would make the figure measure
 * waiting rather than delivery. Reports events/s (events ÷ time until the last is delivered), requests, and the
 * receiver's counts of duplicated (accepted twice) and lost (never accepted) webhook-ids. The last line of stdout is
 * the JSON result.
 */
export {};

process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
process.env.WEBHOOK_TIMEOUT_MS = "1500";

const events = Number(process.argv[2] ?? 5_000);
const { eq } = await import("drizzle-orm");
const { db, closeDb } = await import("@/db");
const { migrateDatabase } = await import("@/db/open");
const { env } = await import("@/lib/env");
const { webhookEndpoints } = await import("@/db/schema");
const { runWebhookLoad } = await import("../tests/helpers/webhook-load");

try {
  await migrateDatabase(env.DATABASE_URL);
  const result = await runWebhookLoad({ events, failRate: 0.3, hangMs: 2_500 });
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, result.endpointId)); // and, by cascade, its deliveries
  console.log(JSON.stringify({ ...result, endpointId: undefined }));
} finally {
  await closeDb();
}
