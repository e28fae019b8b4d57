/**
 * The frame of the pages outside the signed-in layout (an invite, an unsubscribe link): the product's name, a
 * heading, and one card holding `children`.
 */
export function PublicShell({ heading, children, className = "" }: { heading: string; children: React.ReactNode; className?: string }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-bold tracking-tight text-brand-900">TrainLink</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-700">{heading}</h1>
        </div>
        <div className={`rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 ${className}`}>{children}</div>
      </div>
    </main>
  );
}
