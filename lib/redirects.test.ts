import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalOriginRedirect, isSignedInSection, loginPathFor, postLoginPath, safeReturnPath } from "@/lib/redirects";

const origin = "http://localhost:3000";

describe("safeReturnPath (RFC 9700 §4.11: no open redirects)", () => {
  for (const evil of [
    "//evil.example",
    "/\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "https://evil.example/connections",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/connections\u0000",
    "/api/auth/signout",
    "/coach/../api/auth/signout",
    "/admin/%2E%2E/api/auth/signout",
    "/coach/./../login",
    "/login",
    "/",
    "/coachx",
    "JAVASCRIPT:alert(1)",
    " //evil.example",
    "http://localhost:3001/admin",
  ]) {
    it(`refuses ${JSON.stringify(evil)}`, () => assert.equal(safeReturnPath(evil, origin), "/connections"));
  }
  it("keeps our own paths", () => {
    assert.equal(safeReturnPath("/coach?filter=attention", origin), "/coach?filter=attention");
    assert.equal(safeReturnPath("/invite/AbC-_123", origin), "/invite/AbC-_123", "an invite page survives sign-in");
    assert.equal(safeReturnPath("/invitex", origin), "/connections", "only the /invite section, not a lookalike");
    assert.equal(safeReturnPath("//evil.example/invite/x", origin), "/connections");
    assert.equal(safeReturnPath("http://localhost:3000/admin", origin), "/admin");
    assert.equal(safeReturnPath("/settings", origin), "/settings");
    assert.equal(safeReturnPath("/coach/athletes/3f2a", origin), "/coach/athletes/3f2a");
    assert.equal(safeReturnPath("/admin/audit?kind=user_created&actor=a%40b.example", origin), "/admin/audit?kind=user_created&actor=a%40b.example");
  });
  it("keeps file names that merely start with a dot", () => {
    assert.equal(safeReturnPath("/coach/.well", origin), "/coach/.well");
  });
});

describe("isSignedInSection", () => {
  it("matches whole sections only", () => {
    for (const path of ["/connections", "/connections/trainerday/history", "/coach", "/coach/athletes/1", "/admin", "/admin/audit", "/settings"]) {
      assert.equal(isSignedInSection(path), true, path);
    }
    for (const path of ["/", "/login", "/coaches", "/administrator", "/api/v1/me", "/invite/x"]) assert.equal(isSignedInSection(path), false, path);
  });
});

describe("loginPathFor (issue 18 point 5: sign-in returns to the requested page)", () => {
  it("carries the requested path and query as callbackUrl", () => {
    const login = loginPathFor("/admin/audit?kind=user_created&from=2026-12-01", origin);
    assert.equal(login, "/login?callbackUrl=%2Fadmin%2Faudit%3Fkind%3Duser_created%26from%3D2026-12-01");
    assert.equal(new URLSearchParams(login.split("?")[1]).get("callbackUrl"), "/admin/audit?kind=user_created&from=2026-12-01");
    assert.equal(loginPathFor("/coach/athletes/3f2a", origin), "/login?callbackUrl=%2Fcoach%2Fathletes%2F3f2a");
  });
  it("drops anything that is not one of our pages", () => {
    for (const evil of ["//evil.example", "/\\evil", "javascript:alert(1)", "https://evil.example/admin", "/", "/login", "", null, undefined]) {
      assert.equal(loginPathFor(evil, origin), "/login", String(evil));
    }
  });
});

describe("postLoginPath (the sign-in page's destination)", () => {
  it("prefers callbackUrl, then returnTo, then the role's home", () => {
    assert.equal(postLoginPath({ callbackUrl: "/coach/athletes/7", returnTo: "/connections" }, origin), "/coach/athletes/7");
    assert.equal(postLoginPath({ returnTo: "/connections?request=abc" }, origin), "/connections?request=abc");
    assert.equal(postLoginPath({}, origin), "/");
  });
  it("lands SECURITY.md row 4's hostile destinations on our own page", () => {
    for (const evil of ["//evil.example", "/\\evil", "javascript:alert(1)", "https://evil.example/coach", "%2F%2Fevil.example"]) {
      assert.equal(postLoginPath({ callbackUrl: evil }, origin), "/", evil);
    }
  });
  it("falls back to returnTo when callbackUrl is hostile, and ignores repeated parameters", () => {
    assert.equal(postLoginPath({ callbackUrl: "//evil.example", returnTo: "/connections" }, origin), "/connections");
    assert.equal(postLoginPath({ callbackUrl: ["/admin", "//evil.example"] }, origin), "/");
  });
});

describe("canonicalOriginRedirect (one host name for the session cookie and the redirect URIs)", () => {
  const local = new URL("http://localhost:3000");
  const target = (host: string | null, canonical = local) => canonicalOriginRedirect(host, canonical, "/connections?linked=trainerday")?.href ?? null;

  it("sends other names of this machine on the same port to NEXTAUTH_URL, keeping path and query", () => {
    for (const host of ["127.0.0.1:3000", "[::1]:3000", "192.0.2.2:3000", "my-laptop:3000"]) {
      assert.equal(target(host), "http://localhost:3000/connections?linked=trainerday", host);
    }
    assert.equal(target("localhost:3000", new URL("http://127.0.0.1:3000")), "http://127.0.0.1:3000/connections?linked=trainerday");
  });

  it("serves the canonical host itself, in any letter case", () => {
    assert.equal(target("localhost:3000"), null);
    assert.equal(target("LOCALHOST:3000"), null);
  });

  it("never redirects another port (a local proxy in front) or a missing or malformed Host", () => {
    assert.equal(target("127.0.0.1:3100"), null);
    assert.equal(target("localhost:8080"), null);
    assert.equal(target(null), null);
    assert.equal(target("bad host:3000"), null);
  });

  it("leaves deployments with a public NEXTAUTH_URL to their reverse proxy", () => {
    assert.equal(target("10.0.0.5:3000", new URL("https://club.example")), null);
    assert.equal(target("localhost:443", new URL("https://club.example")), null);
  });

  it("treats a default port as the port it stands for", () => {
    assert.equal(target("127.0.0.1", new URL("http://localhost")), "http://localhost/connections?linked=trainerday");
    assert.equal(target("127.0.0.1:80", new URL("http://localhost")), "http://localhost/connections?linked=trainerday");
  });
});

describe("canonicalOriginRedirect never leaves NEXTAUTH_URL's origin", () => {
  it("keeps hostile paths on the canonical origin", () => {
    const local = new URL("http://localhost:3000");
    for (const path of ["//evil.example/x", "https://evil.example/x", "/\\evil.example", "/%2F%2Fevil.example"]) {
      assert.equal(canonicalOriginRedirect("127.0.0.1:3000", local, path)?.origin, "http://localhost:3000", path);
    }
  });
});
