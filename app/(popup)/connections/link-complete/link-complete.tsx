"use client";

import { useEffect } from "react";

/** Sends the window that opened this popup to `target` and closes the popup; without an opener, goes there itself. */
export function LinkComplete({ target }: { target: string }) {
  useEffect(() => {
    const opener = window.opener as Window | null;
    if (opener && !opener.closed) {
      try {
        opener.location.assign(target);
        window.close();
        return;
      } catch {
        // A cross-origin opener cannot be navigated: fall through.
      }
    }
    window.location.replace(target);
  }, [target]);
  return (
    <a href={target} className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
      Back to your connections
    </a>
  );
}
