// Shared helpers of the hostile-input suite (front end and compile): the command run as a user
// runs it, scratch directories, and growth measured as a ratio between a small and a large input
// (never a wall-clock bound: the machine may be loaded, a ratio cancels that out).
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compile, defaultCompileOptions, type CompileOptions, type CompileOutcome } from "../../../src/compile/index.ts";
import { DiagnosticSink, memoryFileHost, type DiagnosticSinkOptions } from "../../../src/source/index.ts";
import { projectDir } from "../../helpers/shared.ts";

/** A scratch directory removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `dtprobe-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** `dtprobe ARGS` from the sources (through tsx), in `cwd`. */
export function dtprobe(args: readonly string[], options: { cwd: string; input?: string | Buffer; stdin?: SpawnSyncOptions["stdio"]; env?: Record<string, string> }): CliResult {
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/cli/main.ts"), ...args], {
    input: options.input,
    stdio: options.stdin,
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? Buffer.alloc(0)).toString("latin1") };
}

/** `dtc ARGS` in `cwd`. */
export function dtc(args: readonly string[], cwd: string): CliResult {
  const r = spawnSync("dtc", args, { cwd, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("latin1") };
}

/** Compiles `text` as `main.dts` in memory (plus `files`), keeping what the sink shows. */
export function compileText(
  text: string,
  options: Partial<CompileOptions> = {},
  sinkOptions: DiagnosticSinkOptions = {},
  files: Record<string, string | Uint8Array> = {},
): { outcome: CompileOutcome; sink: DiagnosticSink } {
  const sink = new DiagnosticSink(sinkOptions);
  const outcome = compile("main.dts", { ...defaultCompileOptions, inputFormat: "dts", ...options, host: memoryFileHost({ "main.dts": text, ...files }) }, sink);
  return { outcome, sink };
}

/** Fastest of `runs` timings of `work` in milliseconds (the least disturbed by other processes). */
export function fastest(work: () => void, runs = 3): number {
  let best = Infinity;
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    work();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * How much longer `work(large)` takes than `work(small)` (each the fastest of a few runs, after a
 * warm-up of the small size so both measure optimised code). Linear work gives about
 * large / small; quadratic work its square.
 */
export function growth(work: (n: number) => void, small: number, large: number, runs = 3): number {
  work(small);
  const a = fastest(() => work(small), runs);
  const b = fastest(() => work(large), runs);
  return b / Math.max(a, 0.05);
}

/**
 * The bound a linear step must meet when the input grows `factor` times: three times the linear
 * ratio, which quadratic work (factor squared) exceeds for factor 8 and more.
 */
export function linearBound(factor: number): number {
  return factor * 3;
}
