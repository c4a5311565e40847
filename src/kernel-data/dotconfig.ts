// A .config file: `CONFIG_X=y`, `CONFIG_X=m`, `# CONFIG_X is not set`, and string/number values.
import type { ConfigValues, Tristate } from "./types.ts";

export interface DotConfig {
  /** y / m / n (n also for absent); string and number symbols read as y when set. */
  value(symbol: string): Tristate;
  /** CONFIG_ARM64 / CONFIG_ARM set: the arch the config is for. */
  readonly arch: "arm64" | "arm" | undefined;
}

export function parseDotConfig(text: string): DotConfig {
  const values = new Map<string, Tristate>();
  for (const line of text.split("\n")) {
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const v = m[2]!;
    values.set(m[1]!, v === "m" ? "m" : v === "n" ? "n" : "y");
  }
  const arch = values.get("CONFIG_ARM64") === "y" ? "arm64" : values.get("CONFIG_ARM") === "y" ? "arm" : undefined;
  return { value: (s) => values.get(s) ?? "n", arch };
}

/**
 * A user's `.config` as a data file configuration (`--kconfig FILE` over a shipped table): every
 * symbol it sets to y or m. `arch` falls back to the board's when the file sets neither
 * CONFIG_ARM64 nor CONFIG_ARM (a fragment).
 */
export function configValuesFromDotConfig(text: string, file: string, fallbackArch: "arm64" | "arm"): ConfigValues {
  const y: string[] = [];
  const m: string[] = [];
  for (const line of text.split("\n")) {
    const hit = /^(CONFIG_\w+)=(.*)$/.exec(line.trim());
    if (!hit || hit[2] === "n") continue;
    (hit[2] === "m" ? m : y).push(hit[1]!);
  }
  return { name: "kconfig", arch: parseDotConfig(text).arch ?? fallbackArch, file, y: y.sort(), m: m.sort() };
}
