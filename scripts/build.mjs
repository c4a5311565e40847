// Bundles the CLI and the library into dist/ so the installed `dtprobe` bin runs plain JS (tsx is
// for development only), and emits the library's declaration files (dist/types, from
// tsconfig.build.json) so `import { reportBoard, compile } from "dtprobe"` type-checks in a
// project that installs the package. Chevrotain's ALT closures are much slower under keepNames,
// so names are not kept. Code splitting keeps `dtprobe --version` from loading the grammar.
//
// Start-up (docs/startup.md): the command is also bundled as CommonJS scripts, dist/dtprobe.cjs
// and dist/dtprobe-compile.cjs (the same without report and test), which bin/dtprobe.cjs runs
// through vm.Script with a V8 code cache each (FILE.cache): the functions a command runs are then
// not parsed and compiled again in every process. The caches are made here by running the commands
// on a small board with the preprocessor; a cache that does not fit the running node is ignored
// by V8, and without the caches the ESM bundle is used.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// Chunk names carry content hashes: without a clean, every build leaves the previous chunks behind.
rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  minifySyntax: true,
  logLevel: "warning",
};

await build({
  ...common,
  // batch-worker: the worker thread of `dtprobe batch`, an ESM entry that src/batch/pool.ts finds
  // in dist/ (beside the chunks, or beside dist/dtprobe.cjs when the launcher runs the CommonJS
  // bundle).
  entryPoints: { dtprobe: "src/cli/main.ts", lib: "src/index.ts", "batch-worker": "src/batch/worker.ts" },
  outdir: "dist",
  splitting: true,
  format: "esm",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  // yaml's node build is CommonJS and requires node built-ins ("process"): give the ESM bundle a
  // real require for them (the CommonJS bundle below has its own).
  banner: { js: 'import { createRequire as __dtprobeRequire } from "node:module"; const require = __dtprobeRequire(import.meta.url);' },
});

// CommonJS has no top-level await: the entry's `await main();` runs as `void main();` (main
// handles its own errors and sets the exit status; the process lives until it settles).
const noTopLevelAwait = {
  name: "no-top-level-await",
  setup(b) {
    b.onLoad({ filter: /src[\\/]cli[\\/]main\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const rewritten = text.replace(/^await main\(\);\s*$/m, "void main();\n");
      if (rewritten === text) throw new Error("scripts/build.mjs: src/cli/main.ts no longer ends with `await main();`");
      return { contents: rewritten, loader: "ts" };
    });
  },
};

// CommonJS has no import.meta: the modules that find the package's files from their own place
// (src/kernel-data/resolver.ts: data/kernel/) get the bundle's own URL instead.
const cjsImportMeta = {
  define: { "import.meta.url": "__dtprobeImportMetaUrl" },
  banner: { js: 'const __dtprobeImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

await build({
  ...common,
  ...cjsImportMeta,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/dtprobe.cjs",
  format: "cjs",
  plugins: [noTopLevelAwait],
  // import.meta is empty in CommonJS: src/batch/pool.ts then finds dist/ (and batch-worker.mjs in
  // it) through __filename, which the launcher's module wrapper passes.
  logOverride: { "empty-import-meta": "silent" },
});

// `compile`, the command a build runs once per board, gets a bundle of its own without the other
// commands (the kernel model, ajv, yaml, Graphviz, the batch pool): a smaller file to read and a
// smaller code cache to check and deserialize in every process. bin/dtprobe.cjs runs it for
// `compile`, --version, help and usage errors, and dist/dtprobe.cjs for the commands below (its
// FULL_BUNDLE_COMMANDS must name the same ones; test/library/launcher.test.ts checks each).
const FULL_BUNDLE_COMMANDS = ["report", "test", "run", "compare", "diff", "verify", "batch"];
const compileOnly = {
  name: "compile-only",
  setup(b) {
    const filter = new RegExp(`^\\./(${FULL_BUNDLE_COMMANDS.join("|")})-command\\.ts$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "compile-only" }));
    b.onLoad({ filter: /.*/, namespace: "compile-only" }, (args) => {
      const name = /\.\/(\w+)-command\.ts$/.exec(args.path)[1];
      const fn = `run${name[0].toUpperCase()}${name.slice(1)}Command`;
      return { contents: `export function ${fn}(): never { throw new Error("dist/dtprobe-compile.cjs has no ${name} command (bin/dtprobe.cjs runs dist/dtprobe.cjs for it)"); }`, loader: "ts" };
    });
  },
};
await build({
  ...common,
  ...cjsImportMeta,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/dtprobe-compile.cjs",
  format: "cjs",
  plugins: [noTopLevelAwait, compileOnly],
});

// The code caches, from runs that exercise every stage: the preprocessor with an #include,
// the parser, the tree, the checks, the blob writer.
const work = mkdtempSync(join(tmpdir(), "dtprobe-build-"));
try {
  writeFileSync(join(work, "irq.h"), "#define IRQ_TYPE_LEVEL_HIGH 4\n#define GIC_SPI 0\n#define REG(base, size) 0 (base) 0 (size)\n");
  writeFileSync(
    join(work, "board.dts"),
    [
      '#include "irq.h"',
      "/dts-v1/;",
      "/ {",
      '\tmodel = "warm-up";',
      "\t#address-cells = <2>;",
      "\t#size-cells = <2>;",
      "\tcpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = \"cpu\"; reg = <0>; }; };",
      "\tintc: interrupt-controller@1000 { compatible = \"arm,gic-400\"; #interrupt-cells = <3>; interrupt-controller; reg = <REG(0x1000, 0x1000)>; };",
      "\tsoc { compatible = \"simple-bus\"; #address-cells = <2>; #size-cells = <2>; ranges;",
      // Lines the preprocessor prints in one piece (src/preprocess/plain-lines.ts): numbers for
      // macro names, and a run of plain lines.
      "\t\ttimer {",
      "\t\t\tinterrupt-parent = <&intc>;",
      "\t\t\tinterrupts = <GIC_SPI 5 IRQ_TYPE_LEVEL_HIGH>,",
      "\t\t\t<GIC_SPI 6 IRQ_TYPE_LEVEL_HIGH>;",
      "\t\t\tclock-frequency = <19200000>;",
      "\t\t};",
      "\t\tserial@2000 { compatible = \"ns16550a\"; reg = <REG(0x2000, 0x100)>; interrupt-parent = <&intc>; interrupts = <GIC_SPI (3 + 4) IRQ_TYPE_LEVEL_HIGH>; status = \"okay\"; };",
      "\t};",
      "};",
      "&intc { label-prop = [01 02]; };",
      "",
    ].join("\n"),
  );
  // One run per bundle: `compile` makes dist/dtprobe-compile.cjs.cache, `report` (which runs the
  // same front end, then the kernel model) dist/dtprobe.cjs.cache.
  for (const args of [["compile", "--cpp", "-q", "-o", join(work, "board.dtb")], ["report", "-o", join(work, "report.txt")]]) {
    const r = spawnSync(process.execPath, ["bin/dtprobe.cjs", ...args, join(work, "board.dts")], {
      env: { ...process.env, DTPROBE_WRITE_CODE_CACHE: "1" },
      encoding: "utf8",
    });
    if (r.status !== 0) process.stderr.write(`scripts/build.mjs: the code cache warm-up (${args[0]}) failed (the command still works without it):\n${r.stderr}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Declarations of the library's modules (the sources import each other with `.ts` specifiers;
// in the published declarations they name the `.d.ts` files as `.js`, which every resolution mode
// of a consumer accepts).
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
const rewrite = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) rewrite(p);
    else if (name.endsWith(".d.ts")) writeFileSync(p, readFileSync(p, "utf8").replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2"));
  }
};
rewrite("dist/types");
