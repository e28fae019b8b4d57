export type BadgeTone = "green" | "gray" | "amber" | "red" | "blue";

/**
 * A small text label with a coloured background; the text always carries the meaning, never the colour alone.
 * Styles live in globals.css (`.badge`, `.badge-<tone>`): badges fill the large tables, where short class
 * names keep pages light.
 */
export function Badge({
  tone,
  dot = false,
  children,
}: {
  tone: BadgeTone;
  /** A leading dot (CSS, no element). */ dot?: boolean;
  children: React.ReactNode;
}) {
  // Joined, not one template: the Tailwind Prettier plugin trims a literal's leading space (" badge-dot").
  const classes = dot ? ["badge", `badge-${tone}`, "badge-dot"] : ["badge", `badge-${tone}`];
  return <span className={classes.join(" ")}>{children}</span>;
}
