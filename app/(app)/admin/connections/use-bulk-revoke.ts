"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { BulkRevokeItem } from "@/lib/admin/bulk-revoke";
import { bulkRevokeBatchAction, startBulkRevokeAction } from "./actions";

/** The filters a bulk run acts on, as the list page's query string holds them. */
export interface BulkFilterFields {
  service?: string;
  status?: string;
  athlete?: string;
}

/** At most this many failed and pending connections are listed by name (the audit log has them all). */
const LISTED = 50;
/** How long to wait before asking again when another batch holds the bulk-revoke lock, in milliseconds. */
const BUSY_RETRY_MS = 1_000;

/** Where a bulk revoke stands in the browser: idle, running, or finished (with why). */
export interface BulkRevokeProgress {
  phase: "idle" | "running" | "finished";
  confirmed: number;
  processed: number;
  /** Ended here: revoked at the service, wiped (no endpoint), or refused by the service (counted in `refused` too). */
  revoked: number;
  refused: number;
  pending: number;
  failed: number;
  /** The first LISTED refused, pending and failed connections, with their reasons. */
  problems: BulkRevokeItem[];
  waiting: boolean;
  stopping: boolean;
  /** How the run ended: done, stopped by the admin, or an error sentence. */
  ending: { kind: "done" | "stopped" } | { kind: "error"; message: string } | null;
}

const IDLE: BulkRevokeProgress = {
  phase: "idle",
  confirmed: 0,
  processed: 0,
  revoked: 0,
  refused: 0,
  pending: 0,
  failed: 0,
  problems: [],
  waiting: false,
  stopping: false,
  ending: null,
};

function form(fields: Record<string, string | number | undefined>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== "") data.set(key, String(value));
  return data;
}

/**
 * Runs a bulk revoke from the browser: records its start, then calls the batch action until the server says done,
 * the admin presses Stop (the batch in flight finishes first), or an error. Refreshes the page at the end.
 */
export function useBulkRevoke(filter: BulkFilterFields) {
  const router = useRouter();
  const [progress, setProgress] = useState<BulkRevokeProgress>(IDLE);
  const stop = useRef(false);

  async function run(confirmed: number) {
    stop.current = false;
    let state: BulkRevokeProgress = { ...IDLE, phase: "running", confirmed };
    const show = (next: Partial<BulkRevokeProgress>) => {
      state = { ...state, ...next };
      setProgress(state);
    };
    show({});
    try {
      await loop(confirmed, show, () => state);
    } catch {
      finish(show, {
        kind: "error",
        message: "The server could not be reached. Check the connection, then reload the page to see what was revoked.",
      });
    }
  }

  async function loop(confirmed: number, show: (next: Partial<BulkRevokeProgress>) => void, current: () => BulkRevokeProgress) {
    const started = await startBulkRevokeAction(null, form({ ...filter, confirmed }));
    if ("error" in started) return finish(show, { kind: "error", message: started.error });
    let after: string | undefined;
    while (!stop.current) {
      const batch = await bulkRevokeBatchAction(null, form({ ...filter, confirmed, processed: current().processed, after }));
      if ("error" in batch) return finish(show, { kind: "error", message: batch.error });
      if (batch.busy) {
        show({ waiting: true });
        await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
        continue;
      }
      after = batch.after ?? undefined;
      const count = (outcome: BulkRevokeItem["outcome"]) => batch.items.filter((i) => i.outcome === outcome).length;
      const state = current();
      show({
        waiting: false,
        processed: batch.processed,
        revoked: state.revoked + count("revoked") + count("refused"),
        refused: state.refused + count("refused"),
        pending: state.pending + count("pending"),
        failed: state.failed + count("failed"),
        problems: [...state.problems, ...batch.items.filter((i) => i.outcome !== "revoked")].slice(0, LISTED),
      });
      if (batch.done) return finish(show, { kind: "done" });
    }
    finish(show, { kind: "stopped" });
  }

  function finish(show: (next: Partial<BulkRevokeProgress>) => void, ending: NonNullable<BulkRevokeProgress["ending"]>) {
    show({ phase: "finished", waiting: false, stopping: false, ending });
    router.refresh();
  }

  return {
    progress,
    start: (confirmed: number) => void run(confirmed),
    stop: () => {
      stop.current = true;
      setProgress((p) => ({ ...p, stopping: true }));
    },
    reset: () => setProgress(IDLE),
  };
}
