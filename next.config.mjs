const production = process.env.NODE_ENV === "production";

/**
 * Content-Security-Policy: only our own origin for scripts, styles, images and connections; never framed.
 * 'unsafe-inline' stays for the inline scripts Next.js emits (no nonce pipeline yet); 'unsafe-eval' only in
 * development, where React's dev tooling needs it.
 */
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${production ? "" : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() (requireRole): a role that may not see a page gets HTTP 403 and a page that says why.
  experimental: { authInterrupts: true },
  // Native modules stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2"],
  // The API reference's Scalar bundle is read from node_modules at run time (lib/api/docs.ts): traced explicitly.
  outputFileTracingIncludes: {
    "/api/v1/docs": ["./node_modules/@scalar/api-reference/package.json"],
    "/api/v1/docs/scalar.js": [
      "./node_modules/@scalar/api-reference/package.json",
      "./node_modules/@scalar/api-reference/dist/browser/standalone.js",
    ],
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      {
        // Every page and API answer may carry account data: never stored by browsers or proxies. Scalar's bundle
        // (/api/v1/docs/scalar.js, a versioned library file) is cached: Next.js keeps these headers over a route's own.
        source: "/((?!_next/static|_next/image|logos|favicon|api/v1/docs/scalar).*)",
        headers: [{ key: "Cache-Control", value: "no-store" }],
      },
    ];
  },
};

export default nextConfig;
