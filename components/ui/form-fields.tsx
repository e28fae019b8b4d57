/** Shared class names for labelled form controls. */
export const FIELD_CLASS =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";
export const LABEL_CLASS = "block text-sm font-medium text-slate-700";
