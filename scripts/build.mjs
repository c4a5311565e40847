// Bundles the CLI and the library into dist/ so the installed `dtprobe` bin runs plain JS (tsx is
// for development only). Chevrotain's ALT closures are much slower under keepNames, so names are
// not kept. Code splitting keeps `dtprobe --version` from loading the grammar.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry content hashes: without a clean, every build leaves the previous chunks behind.
rmSync("dist", { recursive: true, force: true });

await build({
  // batch-worker: the worker thread of `dtprobe batch` (src/batch/pool.ts finds it beside the chunks).
  entryPoints: { dtprobe: "src/cli/main.ts", lib: "src/index.ts", "batch-worker": "src/batch/worker.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  minifySyntax: true,
  logLevel: "warning",
});
