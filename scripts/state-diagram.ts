/**
 * `npm run docs:states`: writes the connection state diagram (Mermaid, drawn from CONNECTION_TRANSITIONS in
 * lib/connections/state-machine.ts) into docs/connection-states.md between its markers. A unit test fails
 * when the file and the table disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { stateDiagram } from "@/lib/connections/state-machine";

const file = "docs/connection-states.md";
const start = "<!-- state-diagram:start -->";
const end = "<!-- state-diagram:end -->";
const doc = readFileSync(file, "utf8");
const before = doc.slice(0, doc.indexOf(start) + start.length);
const after = doc.slice(doc.indexOf(end));
writeFileSync(file, `${before}\n\`\`\`mermaid\n${stateDiagram()}\n\`\`\`\n${after}`);
console.log(`Wrote the state diagram into ${file}`);
