"use client";

import * as RadixDialog from "@radix-ui/react-dialog";

export const DialogRoot = RadixDialog.Root;
export const DialogTrigger = RadixDialog.Trigger;
export const DialogClose = RadixDialog.Close;

/** A modal dialog panel (Radix: focus trap, Escape closes, labelled by its title and description). */
export function DialogContent({ title, description, children }: { title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
      <RadixDialog.Content className="fixed top-1/2 left-1/2 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl focus:outline-none">
        <RadixDialog.Title className="text-lg font-semibold text-slate-900">{title}</RadixDialog.Title>
        <RadixDialog.Description asChild>
          <div className="mt-2 text-sm text-slate-600">{description}</div>
        </RadixDialog.Description>
        <div className="mt-6 flex justify-end gap-3">{children}</div>
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}
