/** The unsubscribe page's frame, as the other pages without the signed-in layout have it: the name, a heading, one card. */
export function Shell({ heading, children }: { heading: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-bold tracking-tight text-brand-900">TrainLink</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-700">{heading}</h1>
        </div>
        <div className="space-y-4 rounded-xl bg-white p-6 text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">{children}</div>
      </div>
    </main>
  );
}

/** A link in the card's text. */
export const LINK_CLASS = "font-semibold text-brand-700 hover:underline";
