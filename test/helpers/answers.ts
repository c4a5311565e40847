// Shared plumbing for the answer commands' tests (compare, diff, verify, views, batch): boards run
// through the library's one pipeline, the CLI as a user runs it, and the JSON Schemas of their
// outputs compiled with ajv.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { loadDeviceTree } from "../../src/compile/index.ts";
import { runBoard, type BoardRun, type BoardRunOptions } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { projectDir } from "./shared.ts";

/** Loads a board and runs it once per option set (one load, as compare does). */
export function runBoardAs(path: string, input: string, runs: readonly BoardRunOptions[]): BoardRun[] {
  const sink = new DiagnosticSink();
  const tree = loadDeviceTree(path, {}, sink);
  if (!tree) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
  return runs.map((o) => {
    // The boards of these tests are hand-written: their drivers are assumed unless a run says otherwise.
    const run = runBoard(tree, input, { driverTables: { assume: true }, ...o }, sink);
    if (!run) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
    return run;
  });
}

/** `dtprobe ARGS` through tsx from `cwd` (default: the project). */
export function dtprobe(args: readonly string[], cwd = projectDir): { status: number | null; stdout: string; stderr: string } {
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/cli/main.ts"), ...args], { cwd, maxBuffer: 1 << 28, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const schema = (name: string) => JSON.parse(readFileSync(join(projectDir, "schemas", `${name}.schema.json`), "utf8")) as object;

/** A validator for schemas/NAME.schema.json (with the report and outcome schemas it refers to). */
export function schemaValidator(name: string) {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  ajv.addSchema(schema("report"));
  if (name !== "outcome") ajv.addSchema(schema("outcome"));
  return ajv.compile(schema(name));
}

/**
 * A command run in this process with `-o` to a scratch file (spawning the CLI through tsx costs
 * seconds on a loaded machine): its exit status and output; a usage error comes back as status 2.
 */
export async function runInProcess(command: (argv: string[]) => number | Promise<number>, args: readonly string[]): Promise<{ status: number; out: string; message: string }> {
  const { mkdtempSync, readFileSync: read, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { UsageError } = await import("../../src/cli/args.ts");
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-answers-"));
  const out = join(dir, "out");
  try {
    const status = await command([...args, "-o", out]);
    let text = "";
    try {
      text = read(out, "utf8");
    } catch {
      /* nothing written */
    }
    return { status, out: text, message: "" };
  } catch (e) {
    if (e instanceof UsageError) return { status: 2, out: "", message: e.message };
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
