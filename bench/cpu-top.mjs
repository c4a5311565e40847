#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`) without a GUI: self time per function,
// heaviest first, with the bundle location (dist/*.mjs:line; the .map files lead back to src/).
// usage: node bench/cpu-top.mjs FILE.cpuprofile [N]
import { readFileSync } from "node:fs";

const [file, countText] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: node bench/cpu-top.mjs FILE.cpuprofile [N]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Each sample names the node that was on top of the stack; time deltas are in microseconds.
const selfUs = new Map();
for (let k = 0; k < profile.samples.length; k++) {
  const id = profile.samples[k];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0));
}
const byFunction = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const f = byId.get(id).callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "")}:${f.lineNumber + 1}` : "";
  const key = `${f.functionName || "(anonymous)"}  ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  total += us;
}
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(countText ?? 25));
process.stdout.write(`total sampled: ${(total / 1000).toFixed(1)} ms\n`);
for (const [key, us] of top) process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}\n`);
