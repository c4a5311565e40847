// Bundles the CLI and the library into dist/ so the installed `dtprobe` bin runs plain JS (tsx is
// for development only), and emits the library's declaration files (dist/types, from
// tsconfig.build.json) so `import { reportBoard, compile } from "dtprobe"` type-checks in a
// project that installs the package. Chevrotain's ALT closures are much slower under keepNames,
// so names are not kept. Code splitting keeps `dtprobe --version` from loading the grammar.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// Chunk names carry content hashes: without a clean, every build leaves the previous chunks behind.
rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: { dtprobe: "src/cli/main.ts", lib: "src/index.ts" },
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
