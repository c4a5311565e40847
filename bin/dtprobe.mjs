#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run by `npm ci` through `prepare`).
// It runs the one-file bundle dist/dtprobe.cjs with the V8 code cache made at build time, so a
// short command does not parse and compile the functions it runs again (scripts/build.mjs);
// without them it runs the ESM bundle as before.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";

// A command is a short run: at V8's default budget, TurboFan compiles hot functions (on a second
// core, or instead of the work on a busy machine) that the run then hardly uses. Four times the
// budget: 28% less CPU for a raw kernel board, 4% more for an 8 MB generated board
// (docs/performance.md, "Start-up"). Set before the code cache is read: V8 checks the flags it
// was made with.
v8.setFlagsFromString("--interrupt-budget=262144");

const script = fileURLToPath(new URL("../dist/dtprobe.cjs", import.meta.url));
const cacheFile = `${script}.cache`;

function runWithCodeCache() {
  if (!existsSync(script)) return false;
  const writing = process.env.DTPROBE_WRITE_CODE_CACHE === "1";
  const cachedData = !writing && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  if (!writing && cachedData === undefined) return false;
  const source = readFileSync(script, "utf8");
  const compiled = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: script, cachedData });
  // A rejected cache (another node, other V8 flags) costs the compile V8 just did: run it anyway.
  if (writing) process.once("exit", () => writeFileSync(cacheFile, compiled.createCachedData()));
  const module = { exports: {} };
  compiled.runInThisContext()(module.exports, createRequire(script), module, script, dirname(script));
  return true;
}

if (!runWithCodeCache()) await import("../dist/dtprobe.mjs");
