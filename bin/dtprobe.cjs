#!/usr/bin/env node
// The `dtprobe` command (package.json "bin"). The CLI is bundled into dist/ by `npm run build`
// (run by `npm ci` through `prepare`). This launcher runs a one-file CommonJS bundle
// (dist/dtprobe.cjs for `report` and `test`, dist/dtprobe-compile.cjs for the rest) with the V8
// code cache made at build time, so a short command does not parse and compile the functions it
// runs again (scripts/build.mjs); without them it runs the ESM bundle.
//
// It is CommonJS itself because node starts an ES module entry through its ESM loader, whose
// internals are not in node's start-up snapshot: `compile --version` costs 593 M instructions
// from an .mjs launcher, 519 M from this one, against 511 M for `node -e 0`; a raw kernel board's
// compile 24 M fewer on the main thread (callgrind, docs/startup.md).
// bin/dtprobe.mjs runs this file.
"use strict";
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

// A command is a short run: at V8's default budget, TurboFan compiles hot functions (on a second
// core, or instead of the work on a busy machine) that the run then hardly uses. Four times the
// budget: 28% less CPU for a raw kernel board, 4% more for an 8 MB generated board
// (docs/startup.md). Set before the code cache is read: V8 checks the flags it
// was made with.
v8.setFlagsFromString("--interrupt-budget=262144");

const dist = join(__dirname, "..", "dist");
// `compile` has a bundle of its own, without the other commands' code (scripts/build.mjs); it also
// answers --version, help and usage errors. The command is the first argument that is not
// --debug, as src/cli/main.ts reads it.
const command = process.argv.slice(2).find((a) => a !== "--debug");
const script = join(dist, command === "report" || command === "test" ? "dtprobe.cjs" : "dtprobe-compile.cjs");
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
  const bundle = { exports: {} };
  compiled.runInThisContext()(bundle.exports, require("node:module").createRequire(script), bundle, script, dist);
  return true;
}

if (!runWithCodeCache()) import("../dist/dtprobe.mjs");
