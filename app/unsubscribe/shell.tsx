import { PublicShell } from "@/components/layout/public-shell";

/** The unsubscribe page's frame: the frame of every page outside the signed-in layout, its card spaced for paragraphs. */
export function Shell({ heading, children }: { heading: string; children: React.ReactNode }) {
  return (
    <PublicShell heading={heading} className="space-y-4 text-sm text-slate-600">
      {children}
    </PublicShell>
  );
}

/** A link in the card's text. */
export const LINK_CLASS = "font-semibold text-brand-700 hover:underline";
