// ESLint (flat config): Next.js's recommended rules with Core Web Vitals and TypeScript, plus drizzle's guards
// against an UPDATE or DELETE without a WHERE on the two handles the code uses (`db`, and `tx` in transactions).
import drizzle from "eslint-plugin-drizzle";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

const handles = { drizzleObjectName: ["db", "tx"] };

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    plugins: { drizzle },
    rules: {
      "drizzle/enforce-delete-with-where": ["error", handles],
      "drizzle/enforce-update-with-where": ["error", handles],
    },
  },
  globalIgnores([".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "blob-report/**", "next-env.d.ts"]),
]);
