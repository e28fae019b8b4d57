// ESLint (flat config): Next.js's recommended rules with Core Web Vitals and TypeScript, drizzle's guards
// against an UPDATE or DELETE without a WHERE on the two handles the code uses (`db`, and `tx` in transactions),
// and the rule that only the connection state machine writes connection rows.
import drizzle from "eslint-plugin-drizzle";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

const handles = { drizzleObjectName: ["db", "tx"] };

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // The data layer is asynchronous (docs/database.md): a query or transaction that is not awaited is a bug.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite", "before", "after"] }] },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    plugins: { drizzle },
    rules: {
      "drizzle/enforce-delete-with-where": ["error", handles],
      "drizzle/enforce-update-with-where": ["error", handles],
    },
  },
  {
    // The connection state machine: lib/connections/transitions.ts is the only writer of connection rows.
    files: ["app/**", "lib/**", "components/**", "db/**", "scripts/**", "proxy.ts", "instrumentation.ts"],
    ignores: ["lib/connections/transitions.ts", "**/*.test.ts", "**/*.pg-test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name=/^(update|insert|delete)$/][arguments.0.name='accounts']",
          message:
            "Connection rows are written only by lib/connections/transitions.ts (the connection state machine): add or use a transition there.",
        },
        {
          selector: "Literal[value=/\\b(UPDATE|INSERT INTO|DELETE FROM)\\s+accounts\\b/i]",
          message:
            "Connection rows are written only by lib/connections/transitions.ts (the connection state machine): add or use a transition there.",
        },
      ],
    },
  },
  globalIgnores([".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "blob-report/**", "next-env.d.ts"]),
]);
