// A .config file: `CONFIG_X=y`, `CONFIG_X=m`, `# CONFIG_X is not set`, and string/number values.
import type { Tristate } from "./types.ts";

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
