"use client";

import { useRef, useSyncExternalStore } from "react";
import { Alert } from "./alert";

const subscribe = () => () => {};
/** Alerts already shown in this document (kept across client-side navigations, reset by a full page load). */
const shown = new Set<string>();

/** True when this document was opened by following a link or redirect, not by Reload or Back/Forward. */
function freshLoad(): boolean {
  const entry = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return entry?.type !== "reload" && entry?.type !== "back_forward";
}

/**
 * An Alert for the result of an action that arrives in the URL (`/connections?linked=trainerday`), shown once:
 * on the page load the action redirected to, not after Reload, Back/Forward or a later client-side visit of the
 * same URL. `id` names the result (e.g. "linked:trainerday"); a second OnceAlert with the same id in the same
 * document stays hidden. Rendered only in the browser (the server cannot tell a reload), so it appears right
 * after hydration. The URL is left as it is: it stays a faithful record of where the redirect went.
 */
export function OnceAlert({ id, tone, children }: { id: string; tone: "success" | "error" | "info"; children: React.ReactNode }) {
  const decided = useRef<boolean | null>(null);
  const visible = useSyncExternalStore(
    subscribe,
    () => {
      if (decided.current === null) {
        decided.current = freshLoad() && !shown.has(id);
        shown.add(id);
      }
      return decided.current;
    },
    () => false,
  );
  return visible ? <Alert tone={tone}>{children}</Alert> : null;
}
