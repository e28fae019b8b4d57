import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { nextStartCommand, SERVER_NODE_FLAGS } from "@/scripts/next-start";

it("npm start runs Node with the same server flags as the demo, the e2e run and the benchmark", () => {
  const start: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;
  assert.equal(start, `node ${SERVER_NODE_FLAGS.join(" ")} node_modules/next/dist/bin/next start`);
  const [command, args] = nextStartCommand(3123);
  assert.equal(command, process.execPath);
  assert.deepEqual(args.slice(0, SERVER_NODE_FLAGS.length), [...SERVER_NODE_FLAGS]);
  assert.match(args[SERVER_NODE_FLAGS.length]!, /node_modules\/next\/dist\/bin\/next$/);
  assert.deepEqual(args.slice(-3), ["start", "-p", "3123"]);
});
