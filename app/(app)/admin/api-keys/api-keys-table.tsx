"use client";

import { LocalTime } from "@/components/ui/local-time";
import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { ApiKeyStatus } from "@/lib/api-keys/types";
import { revokeApiKeyAction } from "./actions";
import { TableScroll } from "@/components/ui/table-scroll";

/** One key as the table shows it: instants in milliseconds since the epoch; nothing of the key but its prefix. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAtMs: number;
  createdBy: string | null;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
  lastUsedAtMs: number | null;
  lastUsedIp: string | null;
  status: ApiKeyStatus;
}

const STATUS: Record<ApiKeyStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: "green", label: "Active" },
  expired: { tone: "amber", label: "Expired" },
  revoked: { tone: "gray", label: "Revoked" },
};

/** The API keys table with one Revoke confirmation dialog for all rows; the last revocation's outcome above it. */
export function ApiKeysTable({ rows }: { rows: ApiKeyRow[] }) {
  const [target, setTarget] = useState<ApiKeyRow | null>(null);
  const [state, submit, pending] = useActionState(async (previous: Parameters<typeof revokeApiKeyAction>[0], form: FormData) => {
    const result = await revokeApiKeyAction(previous, form);
    setTarget(null);
    return result;
  }, null);
  const hydrated = useHydrated();
  return (
    <div className="space-y-3">
      <ActionOutcome state={state} />
      <TableScroll label="API keys">
        <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">API keys, newest first</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 text-slate-700">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-4 py-6 text-center text-slate-600">
                  No API keys yet. Create one above for each system that will call the API.
                </td>
              </tr>
            ) : (
              rows.map((k) => (
                <tr key={k.id}>
                  <th scope="row" className="font-medium text-slate-900">
                    {k.name}
                  </th>
                  <td>
                    <code className="font-mono text-xs">{k.prefix}…</code>
                  </td>
                  <td>
                    <ul className="space-y-0.5 font-mono text-xs">
                      {k.scopes.map((s) => (
                        <li key={s}>{s}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <LocalTime ms={k.createdAtMs} />
                    <span className="block text-xs text-slate-500">by {k.createdBy ?? "a deleted user"}</span>
                  </td>
                  <td>{k.expiresAtMs === null ? "Never" : <LocalTime ms={k.expiresAtMs} />}</td>
                  <td>
                    {k.lastUsedAtMs === null ? (
                      "Never"
                    ) : (
                      <>
                        <LocalTime ms={k.lastUsedAtMs} />
                        <span className="block text-xs text-slate-500">{k.lastUsedIp ? `from ${k.lastUsedIp}` : "address unknown"}</span>
                      </>
                    )}
                  </td>
                  <td>
                    <Badge tone={STATUS[k.status].tone}>{STATUS[k.status].label}</Badge>
                    {k.revokedAtMs !== null ? (
                      <span className="block text-xs text-slate-500">
                        <LocalTime ms={k.revokedAtMs} />
                      </span>
                    ) : null}
                  </td>
                  <td className="text-right">
                    {k.status === "revoked" ? null : (
                      <Button variant="secondary" disabled={!hydrated || pending} onClick={() => setTarget(k)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <DialogRoot open={target !== null} onOpenChange={(open) => (open || pending ? null : setTarget(null))}>
        {target ? (
          <DialogContent
            title={`Revoke the API key “${target.name}”?`}
            description={
              <p>
                Integrations using {target.name} ({target.prefix}…) stop working at once: every request with it is refused. This cannot be undone;
                they will need a new key.
              </p>
            }
          >
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <form action={submit}>
              <input type="hidden" name="keyId" value={target.id} />
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? "Revoking…" : "Revoke key"}
              </Button>
            </form>
          </DialogContent>
        ) : null}
      </DialogRoot>
    </div>
  );
}
