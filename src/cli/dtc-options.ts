// What `dtprobe compile` needs to stand in for dtc in a build (`make DTC=...`): dtc's numeric
// options with bounds (dtc takes any int and then allocates it: `-S 0x7fffffff` was 4 GB of
// padding), dtc's output-format guess from the output name, the dependency file (`-d`), and the
// version line scripts parse (`dtc -v | head -1 | awk '{print $NF}'`).
import pkg from "../../package.json" with { type: "json" };
import type { OutputFormat } from "../compile/index.ts";
import { MAX_INPUT_BYTES, nodeFileHost, readThroughHost, type FileHost } from "../source/index.ts";
import { parseIntegerArg, UsageError } from "./args.ts";

/** The dtc release whose language, checks and `-O dts` text compile follows. */
export const DTC_VERSION_FOLLOWED = "1.8.1";

/** `-v`: dtc's line first (tools parse its last field), then what answers. */
export function versionText(): string {
  return (
    `Version: DTC ${DTC_VERSION_FOLLOWED}\n` +
    `dtprobe ${pkg.version} compile: dtc ${DTC_VERSION_FOLLOWED}'s language, checks and -O dts; -O yaml, -O asm and -d byte for byte as dtc 1.6.1\n`
  );
}

/** Bounds of dtc's numeric options (docs/robustness.md). */
export const OPTION_LIMITS = {
  /** `-R`: empty reserve map slots (16 bytes each). */
  reserve: 65536,
  /** `-S`, `-p`, `-a`: bytes; a blob larger than the input limit could not be read back. */
  bytes: MAX_INPUT_BYTES,
} as const;

/** An integer option in [min, max], else a usage error naming the bounds (exit status 2). */
export function boundedInteger(spelling: string, text: string, min: number, max: number): number {
  const n = parseIntegerArg(spelling, text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`invalid argument "${text}" to ${spelling} (from ${min} to ${max.toLocaleString("en")})`);
  return n;
}

/** `-a`: a power of two up to the byte limit (dtc: `Invalid argument "N" to -a option`). */
export function alignmentArg(spelling: string, text: string): number {
  const n = boundedInteger(spelling, text, 1, OPTION_LIMITS.bytes);
  if ((n & (n - 1)) !== 0) throw new UsageError(`invalid argument "${text}" to ${spelling} (not a power of 2)`);
  return n;
}

/** `-b`: dtc keeps the value's low 32 bits, and -1 means "not given". */
export function bootCpuArg(spelling: string, text: string): number | undefined {
  const n = boundedInteger(spelling, text, -1, 0xffffffff);
  return n === -1 ? undefined : n;
}

/** dtc's guess_type_by_name for the output file. */
export function outputFormatByName(name: string): OutputFormat | undefined {
  const dot = name.lastIndexOf(".");
  const suffix = dot < 0 ? "" : name.slice(dot).toLowerCase();
  if (suffix === ".dts") return "dts";
  if (suffix === ".yaml") return "yaml";
  if (suffix === ".dtb" || suffix === ".dtbo") return "dtb";
  return undefined;
}

/**
 * A host that records, in order, every file it opens successfully: what dtc writes to the
 * dependency file (srcfile_relative_open: the input, each /include/ and /incbin/; with --cpp the
 * #include'd headers too).
 */
export function recordingHost(deps: string[], base: FileHost = nodeFileHost): FileHost {
  return {
    readText(path) {
      const t = base.readText(path);
      if (t !== undefined) deps.push(path);
      return t;
    },
    readBytes(path) {
      const b = base.readBytes(path);
      if (b !== undefined) deps.push(path);
      return b;
    },
    read(path, options) {
      const r = readThroughHost(base, path, options);
      if (r.ok) deps.push(path);
      return r;
    },
    isDirectory: (path) => base.isDirectory?.(path) ?? false,
  };
}

/** dtc's dependency file: `OUT: DEP DEP ...` and a newline (paths as dtc 1.6.1 writes them, unescaped). */
export function dependencyText(outName: string, deps: readonly string[]): string {
  return `${outName}:${deps.map((d) => ` ${d}`).join("")}\n`;
}
