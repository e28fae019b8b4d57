/**
 * Where focus goes when the element that had it is gone (a dialog's trigger removed by the action it confirmed,
 * e.g. Revoke on a row that now says Revoked, or Cancel on an invite that disappears): the first heading
 * (h1–h3) in the nearest `ancestors` entry still on the page, else the page's h1. The heading gets
 * tabIndex=-1 so it can take focus without joining the tab order. `ancestors` is the old element's chain of
 * parents, nearest first, recorded while it was still attached.
 */
export function focusNearestHeading(ancestors: Element[]): void {
  for (const ancestor of ancestors) {
    if (!ancestor.isConnected) continue;
    const heading = ancestor.querySelector<HTMLElement>("h1, h2, h3");
    if (heading) return focusHeading(heading);
  }
  const h1 = document.querySelector<HTMLElement>("main h1, h1");
  if (h1) focusHeading(h1);
}

function focusHeading(heading: HTMLElement): void {
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
}

/** `element`'s parents, nearest first, up to (and without) the body. */
export function ancestorsOf(element: Element | null): Element[] {
  const chain: Element[] = [];
  for (let node = element?.parentElement; node && node !== document.body; node = node.parentElement) chain.push(node);
  return chain;
}

/**
 * Focuses `element` once it is enabled again (a dialog's trigger stays disabled while the action it confirmed
 * finishes), checking every 50 ms for up to 5 seconds; if it goes away meanwhile, or stays disabled, focuses the
 * nearest heading instead (focusNearestHeading over `ancestors`). Does nothing once the person has moved focus
 * somewhere themselves.
 */
export function focusWhenEnabled(element: HTMLElement, ancestors: Element[]): void {
  const started = Date.now();
  const lost = () => document.activeElement === null || document.activeElement === document.body;
  const check = () => {
    if (!lost()) return;
    if (element.isConnected && !element.hasAttribute("disabled")) return element.focus();
    if (!element.isConnected || Date.now() - started > 5_000) return focusNearestHeading(ancestors);
    setTimeout(check, 50);
  };
  check();
}
