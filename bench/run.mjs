#!/usr/bin/env node
// dtprobe's benchmark harness (`npm run bench`; never part of `npm test`). Plain ESM run by node
// against the built bundle, because tsx makes chevrotain parsers 2-5x slower than the shipped code.
// Prints a machine line and one markdown table per section; writes bench-out/results.{md,json}.
// See docs/performance.md for what each figure means, and bench/profile.md for profiling.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseBenchArgs, USAGE } from "./lib/args.mjs";
import { compileSection } from "./lib/compile.mjs";
import { corpusSection } from "./lib/corpus.mjs";
import { frontendSection } from "./lib/frontend.mjs";
import { loadGenerator, loadLibrary } from "./lib/library.mjs";
import { dtcVersion, machineLine } from "./lib/machine.mjs";
import { GNU_TIME } from "./lib/proc.mjs";
import { reportSection } from "./lib/report.mjs";
import { startupSection } from "./lib/startup.mjs";
import { stressSection } from "./lib/stress.mjs";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

async function main() {
  let opts;
  try {
    opts = parseBenchArgs(process.argv.slice(2), root);
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  for (const d of ["", "inputs", "outputs"]) mkdirSync(join(opts.out, d), { recursive: true });

  const { lib, why: libWhy } = await loadLibrary(opts.lib);
  const { gen, from: genFrom } = await loadGenerator(lib, root, opts.out);
  const ctx = {
    root,
    opts,
    lib,
    libWhy,
    gen,
    dtcOk: dtcVersion(opts.dtc) !== undefined,
    results: { machine: "", options: {}, frontend: {}, compile: {}, scaling: {}, stress: {}, report: {}, corpus: {}, startup: {} },
    writeInput(name, text) {
      const path = join(opts.out, "inputs", name);
      writeFileSync(path, text, "latin1");
      return path;
    },
    outPath: (name) => join(opts.out, "outputs", name),
    measureOptions: () => ({ runs: opts.runs, warmup: opts.warmup ?? 1, timeoutMs: opts.timeoutMs }),
  };

  const header = [
    "# dtprobe benchmark",
    "",
    machineLine(opts.dtc),
    `Library: ${lib ? opts.lib : `none (${libWhy})`}; generator: ${genFrom}; peak memory: ${GNU_TIME ? "GNU time -v" : "/proc VmHWM polling"}; runs: ${opts.runs}${opts.quick ? " (--quick: harness check, not figures to quote)" : ""}`,
    "",
  ].join("\n");
  process.stdout.write(header + "\n");
  ctx.results.machine = machineLine(opts.dtc);
  ctx.results.options = { runs: opts.runs, quick: opts.quick, full: opts.full, sizes: opts.sizes };

  const sections = [
    ["frontend", frontendSection],
    ["compile", compileSection],
    ["stress", stressSection],
    ["report", reportSection],
    ["corpus", corpusSection],
    ["startup", startupSection],
  ];
  const texts = [header];
  for (const [name, run] of sections) {
    if (!opts.only.has(name)) continue;
    try {
      texts.push(await run(ctx));
    } catch (e) {
      // One broken stage must not hide the others' figures.
      const text = `## ${name}\n\nfailed: ${e.stack ?? e}\n`;
      process.stdout.write(text + "\n");
      texts.push(text);
    }
  }
  writeFileSync(join(opts.out, "results.md"), texts.join("\n"));
  writeFileSync(join(opts.out, "results.json"), JSON.stringify(ctx.results, (_k, v) => (v === Infinity ? null : v), 2) + "\n");
  process.stdout.write(`Results written to ${join(opts.out, "results.md")} and results.json\n`);
  return 0;
}

process.exitCode = await main();
