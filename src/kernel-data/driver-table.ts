// A data file read for one configuration: which drivers a device's compatible list matches, in
// registration (link) order, each with whether the configuration builds it in (y), as a module (m)
// or not at all (n). The caller applies the driver core's rules (the first registered driver that
// matches binds; see docs/kernel-data.md); this only answers "who could".
import { buildState, configLookup, guardHolds } from "./build-eval.ts";
import type { ConfigValues, KernelData, OfDriver, PciDriver, Tristate } from "./types.ts";

export interface DriverMatch {
  readonly driver: OfDriver;
  /** The device compatible the driver's table matches best (of_match_node's choice). */
  readonly compatible: string;
  /** Its index in the device's compatible list (0: most specific). */
  readonly deviceIndex: number;
  readonly state: Tristate;
}

export class KernelDriverTable {
  readonly #byCompatible = new Map<string, OfDriver[]>();
  readonly #value: (symbol: string) => Tristate;

  constructor(
    readonly data: KernelData,
    /** The configuration; undefined: every driver counts as built in. */
    readonly config: ConfigValues | undefined,
  ) {
    // of_compat_cmp() is strcasecmp(): compatibles match without regard to case.
    for (const d of data.drivers) {
      for (const c of d.compatible.map((x) => x.toLowerCase())) {
        const list = this.#byCompatible.get(c);
        if (list) list.push(d);
        else this.#byCompatible.set(c, [d]);
      }
    }
    this.#value = config ? configLookup(config) : () => "y";
  }

  /**
   * The data's configuration for an architecture (Debian's arm64 / armmp); without one every
   * driver counts as built in.
   */
  static forArch(data: KernelData, arch: "arm64" | "arm"): KernelDriverTable {
    return new KernelDriverTable(
      data,
      data.configs.find((c) => c.arch === arch),
    );
  }

  /** y / m / n for a driver (or PCI driver) under the configuration. */
  state(row: OfDriver | PciDriver): Tristate {
    return this.config ? buildState(row.build, this.#value) : "y";
  }

  /** A Kconfig symbol's value under the configuration (y without one). */
  value(symbol: string): Tristate {
    return this.#value(symbol);
  }

  /** Whether the compatible's preprocessor guard (if any) holds for this driver's build. */
  compatibleEnabled(driver: OfDriver, compatible: string): boolean {
    const g = driver.guards?.[compatible];
    if (g === undefined || !this.config) return true;
    return guardHolds(g, this.#value, this.state(driver) === "m");
  }

  /**
   * Every driver whose OF table matches one of `compatibles` (most specific first), each with the
   * best-matching compatible (__of_match_node's score: the lowest index in the device's list), in
   * link order (registration order within one initcall level: the caller orders by
   * `registration.level` first, and puts modules after every built-in driver). Drivers the
   * configuration does not build are included with state n (the report can say "driver X exists
   * but is not enabled").
   */
  matching(compatibles: readonly string[]): DriverMatch[] {
    const best = new Map<OfDriver, { compatible: string; deviceIndex: number }>();
    compatibles.forEach((c, i) => {
      for (const d of this.#byCompatible.get(c.toLowerCase()) ?? []) {
        const own = d.compatible.find((x) => x.toLowerCase() === c.toLowerCase())!;
        if (best.has(d) || !this.compatibleEnabled(d, own)) continue;
        best.set(d, { compatible: c, deviceIndex: i });
      }
    });
    return [...best]
      .map(([driver, m]) => ({ driver, ...m, state: this.state(driver) }))
      .sort((a, b) => a.driver.link - b.driver.link);
  }

  /**
   * The table entries `matching` leaves out because their preprocessor guard does not hold in the
   * configuration (`#ifdef CONFIG_ARCH_TEGRA_3x_SOC` around a compatible), for the report's reason.
   */
  guardedOut(compatibles: readonly string[]): { driver: OfDriver; compatible: string; guard: string }[] {
    const out: { driver: OfDriver; compatible: string; guard: string }[] = [];
    for (const c of compatibles) {
      for (const d of this.#byCompatible.get(c.toLowerCase()) ?? []) {
        const own = d.compatible.find((x) => x.toLowerCase() === c.toLowerCase())!;
        if (!this.compatibleEnabled(d, own) && !out.some((o) => o.driver === d)) out.push({ driver: d, compatible: own, guard: d.guards![own]! });
      }
    }
    return out;
  }

  /** Drivers by struct device_driver name (for driver_override and name-matched devices). */
  byName(name: string): (OfDriver | PciDriver)[] {
    return [...this.data.drivers, ...this.data.pci].filter((d) => d.name === name);
  }
}
