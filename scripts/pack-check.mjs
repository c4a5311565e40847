#!/usr/bin/env node
// The package as a user gets it: `npm pack`, install the tarball into an empty project, then a
// TypeScript file there that does `import { reportBoard, compile } from "dtprobe"` must type-check
// (against the published declarations, with the project's own strict nodenext settings) and run on
// a bundled board. Slow (it packs, and installs the dependencies from the registry); run it by hand
// (`node scripts/pack-check.mjs`) or through test/library/pack.test.ts with DTPROBE_PACK_TEST=1.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const work = mkdtempSync(join(tmpdir(), "dtprobe-pack-"));
try {
  // `npm pack` runs `prepare` (the build: bundles and declarations) and keeps the `files` list.
  run(npm, ["pack", "--silent", "--pack-destination", work], root);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack made no tarball");
  const project = join(work, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-dtprobe", private: true, type: "module" }, null, 2));
  run(npm, ["install", "--silent", "--no-audit", "--no-fund", "--prefer-offline", join(work, tarball)], project);
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: false, types: [], outDir: "out" }, files: ["main.ts"] }, null, 2),
  );
  writeFileSync(
    join(project, "main.ts"),
    [
      'import { compile, defaultCompileOptions, DiagnosticSink, reportBoard, type Report } from "dtprobe";',
      "",
      "declare const process: { argv: string[]; exitCode: number };",
      "const board = process.argv[2]!;",
      "const sink = new DiagnosticSink();",
      "const report: Report | undefined = reportBoard(board, { cpp: true, kernel: \"6.1\" }, sink);",
      "const blob = compile(board, { ...defaultCompileOptions, cpp: true }, sink);",
      "if (!report || !blob.ok) {",
      "  process.exitCode = 1;",
      "} else {",
      "  const dtb: Uint8Array = blob.output;",
      "  console.log(`${report.config.kernel} ${report.summary.devices} devices ${report.summary.groups} groups; dtb ${dtb.length} bytes`);",
      "}",
      "",
    ].join("\n"),
  );
  // Type-check and emit with the repository's TypeScript, run with node.
  run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
  const out = run(process.execPath, [join(project, "out/main.js"), join(root, "fixtures/kernel/tegra30-like.dts")], project);
  process.stdout.write(out);
  if (!/^6\.1 \d+ devices \d+ groups; dtb \d+ bytes$/m.test(out)) throw new Error(`unexpected output: ${out}`);
  console.log("pack-check: the installed package type-checks and runs");
} catch (e) {
  process.stderr.write(`pack-check failed: ${e.stderr ?? ""}${e.stdout ?? ""}${e.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
