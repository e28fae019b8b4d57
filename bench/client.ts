/** HTTP helpers shared by the benchmark and the profiler: signing in through next-auth. */
import { BENCH_APP_URL, BENCH_PASSWORD } from "./config";

function cookiesOf(res: Response, jar: Map<string, string>) {
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * Signs a seeded bench user in through next-auth's real credentials flow (CSRF token, then the callback) and
 * returns the `Cookie` header value of the session. Throws when no session cookie comes back.
 */
export async function signIn(email: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${BENCH_APP_URL}/api/auth/csrf`);
  cookiesOf(csrf, jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${BENCH_APP_URL}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password: BENCH_PASSWORD, callbackUrl: BENCH_APP_URL, json: "true" }),
  });
  cookiesOf(res, jar);
  if (!jar.has("next-auth.session-token")) throw new Error(`sign-in of ${email} failed (HTTP ${res.status})`);
  return `next-auth.session-token=${jar.get("next-auth.session-token")}`;
}
