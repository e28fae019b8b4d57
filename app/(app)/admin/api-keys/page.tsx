import type { Metadata } from "next";
import { listApiKeys } from "@/lib/api-keys/list-api-keys";
import { requireRole } from "@/lib/auth/session";
import { ApiKeysTable, type ApiKeyRow } from "./api-keys-table";
import { CreateApiKeyForm } from "./create-api-key-client";

export const metadata: Metadata = { title: "API keys" };

/** /admin/api-keys: what keys are for, the form to create one, and every key (prefix only) with Revoke. */
export default async function AdminApiKeysPage() {
  const admin = await requireRole("admin");
  const keys = await listApiKeys(admin);
  // Only what the table shows crosses to the client: never a key (the page never has one) nor its hash.
  const rows: ApiKeyRow[] = keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAtMs: k.createdAt.getTime(),
    createdBy: k.createdBy,
    expiresAtMs: k.expiresAt?.getTime() ?? null,
    revokedAtMs: k.revokedAt?.getTime() ?? null,
    lastUsedAtMs: k.lastUsedAt?.getTime() ?? null,
    lastUsedIp: k.lastUsedIp,
    status: k.status,
  }));
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">API keys</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          API keys let the club&apos;s own systems, such as a training planner or a data pipeline, use TrainLink&apos;s REST API: list athletes and
          their connections, get fresh access tokens for a service, revoke connections and manage webhooks. Give each system its own key with only the
          scopes it needs; it sends the key as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>. Read the{" "}
          <a href="/api/v1/docs" className="table-link">
            API reference
          </a>{" "}
          or download the{" "}
          <a href="/api/v1/openapi.json" className="table-link">
            OpenAPI document
          </a>
          .
        </p>
      </div>

      <section aria-labelledby="new-key-heading" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="new-key-heading" className="text-lg font-semibold text-slate-900">
          New API key
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">The key is shown once, right after you create it. TrainLink stores only a hash of it.</p>
        <CreateApiKeyForm />
      </section>

      <section aria-labelledby="keys-heading" className="space-y-3">
        <h2 id="keys-heading" className="text-lg font-semibold text-slate-900">
          Keys
        </h2>
        <ApiKeysTable rows={rows} />
      </section>
    </div>
  );
}
