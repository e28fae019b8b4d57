"use client";

import { useEffect, useRef } from "react";
import { markReconnectRequestOpenedAction } from "@/lib/reconnect-requests/actions";

/**
 * Rendered by the connections page when it was opened from a reconnect request's mail (`?request=<id>`): once in
 * the browser, posts that the athlete opened it. Renders nothing; a failure is harmless (the request simply stays
 * "sent" until the athlete reconnects).
 */
export function MarkRequestOpened({ requestId }: { requestId: string }) {
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const form = new FormData();
    form.set("requestId", requestId);
    void markReconnectRequestOpenedAction(null, form).catch(() => undefined);
  }, [requestId]);
  return null;
}
