"use client";

import { useEffect, useSyncExternalStore } from "react";
import { Alert } from "./alert";

const subscribe = () => () => {};
/**
 * Whether each alert id may show in this document: decided at its first render, false once it has unmounted
 * (kept across client-side navigations, reset by a full page load). A pure read after the first decision, so
 * repeated renders (and React's double render in development) agree.
 */
const decisions = new Map<string, boolean>();
/** Mounted OnceAlerts per id. */
const mounted = new Map<string, number>();

/** True when this document was opened by following a link or redirect, not by Reload or Back/Forward. */
function freshLoad(): boolean {
  const entry = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return entry?.type !== "reload" && entry?.type !== "back_forward";
}

/**
 * An Alert for the result of an action that arrives in the URL (`/connections?linked=trainerday`), shown once:
 * on the page load the action redirected to, not after Reload, Back/Forward or a later client-side visit of the
 * same URL. `id` names the result (e.g. "linked:trainerday"); once an OnceAlert of that id has been shown and
 * gone, another with the same id stays hidden in this document. Rendered only in the browser (the server cannot tell a reload), so it appears right
 * after hydration. The URL is left as it is: it stays a faithful record of where the redirect went.
 */
export function OnceAlert({ id, tone, children }: { id: string; tone: "success" | "error" | "info"; children: React.ReactNode }) {
  const visible = useSyncExternalStore(
    subscribe,
    () => {
      let decision = decisions.get(id);
      if (decision === undefined) decisions.set(id, (decision = freshLoad()));
      return decision;
    },
    () => false,
  );
  // Shown once: when it has gone (checked a tick later, so React's development remount does not count), a later
  // visit of the same URL in this document (Back, a link) finds it spent.
  useEffect(() => {
    mounted.set(id, (mounted.get(id) ?? 0) + 1);
    return () => {
      mounted.set(id, (mounted.get(id) ?? 1) - 1);
      setTimeout(() => {
        if (!mounted.get(id)) decisions.set(id, false);
      }, 0);
    };
  }, [id]);
  return visible ? <Alert tone={tone}>{children}</Alert> : null;
}
