/**
 * Polls `url` every 200 ms until it answers below 500 (redirects are not followed: a page that redirects to
 * /login is up). Throws after `timeoutMs` milliseconds. Used by the demo, the e2e servers and the benchmark.
 */
export async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
