import type { ScopeInfo } from "@/lib/integrations/registry";

/** A labelled list of scopes with their descriptions; `muted` strikes them through (requested, not granted). `id` must be unique on the page. */
export function ScopeList({ id, label, scopes, muted = false }: { id: string; label: string; scopes: ScopeInfo[]; muted?: boolean }) {
  return (
    <div>
      <h3 id={id} className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {label}
      </h3>
      <ul aria-labelledby={id} className="mt-1.5 space-y-1">
        {scopes.map((scope) => (
          <li key={scope.id} className={`text-sm ${muted ? "text-slate-600" : "text-slate-700"}`}>
            <code className={`rounded px-1 py-0.5 text-xs ${muted ? "bg-slate-100 text-slate-700 line-through" : "bg-brand-50 text-brand-900"}`}>
              {scope.id}
            </code>{" "}
            {scope.description}
          </li>
        ))}
      </ul>
    </div>
  );
}
