import type { Role } from "@/db/schema";

const PLURAL: Record<Role, string> = { athlete: "athletes", coach: "coaches", admin: "administrators" };
const WITH_ARTICLE: Record<Role, string> = { athlete: "an athlete", coach: "a coach", admin: "an administrator" };

/** "coaches", "athletes and coaches", "athletes, coaches and administrators". */
function listOf(roles: readonly Role[]): string {
  const words = roles.map((r) => PLURAL[r]);
  return words.length <= 1 ? (words[0] ?? "other roles") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * The sentence a signed-in person reads on a page their role may not see (issue 18 point 9: say why instead of
 * a silent redirect), e.g. "This page is for coaches. You are signed in as an athlete."
 */
export function forbiddenMessage(required: readonly Role[], actual: Role): string {
  return `This page is for ${listOf(required)}. You are signed in as ${WITH_ARTICLE[actual]}.`;
}
