// Running the dtprobe command from the hostile-input tests: the source through tsx (never a stale
// bundle), synchronously or as a promise, directly or inside a bash pipeline, in a scratch
// directory removed after the file's tests.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll } from "vitest";
import { projectDir } from "../../helpers/shared.ts";

const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;

/** The command line that runs dtprobe from the sources. */
export function dtprobeArgv(args: readonly string[]): string[] {
  return [process.execPath, "--import", tsx, join(projectDir, "src/cli/main.ts"), ...args];
}

/** A word for bash, quoted. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** dtprobe's command line as bash words (for pipelines). */
export function dtprobeShell(args: readonly string[]): string {
  return dtprobeArgv(args).map(shq).join(" ");
}

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly input?: string | Buffer;
  readonly env?: Record<string, string>;
}

export function dtprobe(args: readonly string[], o: RunOptions = {}): CliResult {
  const [cmd, ...rest] = dtprobeArgv(args);
  const r = spawnSync(cmd!, rest, { cwd: o.cwd, input: o.input, env: { ...process.env, ...o.env }, maxBuffer: 1 << 30 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** The same, without blocking the test process (several boards at a time). */
export function dtprobeAsync(args: readonly string[], o: RunOptions = {}): Promise<CliResult> {
  const [cmd, ...rest] = dtprobeArgv(args);
  return runAsync(cmd!, rest, o);
}

/** A bash script (pipelines with slow readers, `| head -1`). */
export function bash(script: string, o: RunOptions = {}): Promise<CliResult> {
  return runAsync("bash", ["-c", script], o);
}

function runAsync(cmd: string, args: readonly string[], o: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(o.input ?? "");
  });
}

/** Runs `jobs` at most `width` at a time (2 cores are shared by the whole suite). */
export async function pooled<T>(jobs: readonly (() => Promise<T>)[], width = 3): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

/** A scratch directory for one test file, removed when its tests are done. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dtprobe-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const hasPython3 = spawnSync("python3", ["-c", "pass"], { stdio: "ignore" }).status === 0;

/** Per-test timeout for tests that start the command several times (2 cores shared by the suite). */
export const SLOW = 300_000;
