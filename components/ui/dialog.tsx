"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { useRef } from "react";
import { ancestorsOf, focusNearestHeading, focusWhenEnabled } from "./focus-fallback";

export const DialogRoot = RadixDialog.Root;
export const DialogTrigger = RadixDialog.Trigger;
export const DialogClose = RadixDialog.Close;

/**
 * A modal dialog panel (Radix: focus trap, Escape closes, labelled by its title and description). On close,
 * focus returns to the element that opened it (Radix), once it is enabled again if the action disabled it for a
 * moment; when the action removed that element, to the nearest heading that is still there rather than to the
 * top of the page.
 */
export function DialogContent({ title, description, children }: { title: string; description: React.ReactNode; children: React.ReactNode }) {
  const opener = useRef<{ element: HTMLElement | null; ancestors: Element[] }>({ element: null, ancestors: [] });
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
      <RadixDialog.Content
        onOpenAutoFocus={() => {
          const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          opener.current = { element: active, ancestors: ancestorsOf(active) };
        }}
        onCloseAutoFocus={(event) => {
          const { element, ancestors } = opener.current;
          if (element?.isConnected && !element.hasAttribute("disabled")) return;
          event.preventDefault();
          if (element?.isConnected) focusWhenEnabled(element, ancestors);
          else focusNearestHeading(ancestors);
        }}
        className="fixed top-1/2 left-1/2 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl focus:outline-none"
      >
        <RadixDialog.Title className="text-lg font-semibold text-slate-900">{title}</RadixDialog.Title>
        <RadixDialog.Description asChild>
          <div className="mt-2 text-sm text-slate-600">{description}</div>
        </RadixDialog.Description>
        <div className="mt-6 flex justify-end gap-3">{children}</div>
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}
