import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { nextStartCommand, SERVER_ENV, SERVER_NODE_FLAGS } from "@/scripts/next-start";

it("npm start runs Node with the same server flags as the demo, the e2e run and the benchmark", () => {
  const start: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;
  const envPrefix = Object.entries(SERVER_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
  assert.equal(start, `${envPrefix} node ${SERVER_NODE_FLAGS.join(" ")} node_modules/next/dist/bin/next start`);
  const [command, args] = nextStartCommand(3123);
  assert.equal(command, process.execPath);
  assert.deepEqual(args.slice(0, SERVER_NODE_FLAGS.length), [...SERVER_NODE_FLAGS]);
  assert.match(args[SERVER_NODE_FLAGS.length]!, /node_modules\/next\/dist\/bin\/next$/);
  assert.deepEqual(args.slice(-3), ["start", "-p", "3123"]);
});

it("every spawn of nextStartCommand gives the server SERVER_ENV (graceful shutdown needs NEXT_MANUAL_SIG_HANDLE)", () => {
  const spawners = [
    "scripts/e2e-server.ts",
    "scripts/demo.ts",
    "bench/run.ts",
    "bench/profile.ts",
    "e2e/security.spec.ts",
    "e2e/startup.spec.ts",
    "e2e/operations.spec.ts",
  ];
  for (const file of spawners) {
    const source = readFileSync(file, "utf8");
    assert.match(source, /nextStartCommand\(/, `${file} starts the server`);
    assert.match(source, /SERVER_ENV/, `${file} passes SERVER_ENV to the server it starts`);
  }
});
