// The extractor: a kernel tree (and configurations) in, the data file's facts out.
import { buildState } from "./build-eval.ts";
import { parseDotConfig } from "./dotconfig.ts";
import { driverRows } from "./driver-rows.ts";
import { FileIndex } from "./file-index.ts";
import { kconfigTypes } from "./kconfig-reader.ts";
import { computeLinkOrder } from "./link-order.ts";
import type { Arch, KernelTree } from "./source-tree.ts";
import { KERNEL_DATA_FORMAT, KERNEL_DATA_FORMAT_VERSION, type ConfigValues, type KernelData, type SymbolType } from "./types.ts";

export interface ConfigInput {
  /** Name the model selects it by (`arm64`, `armmp`). */
  readonly name: string;
  /** File name as recorded (not a local path). */
  readonly file: string;
  readonly text: string;
  readonly package?: string;
  readonly packageVersion?: string;
}

export interface ExtractOptions {
  readonly arches: readonly Arch[];
  readonly configs: readonly ConfigInput[];
  /** How the source was given (recorded; a file name, not a local path). */
  readonly input: string;
  readonly command: string;
  readonly sourcePackage?: { readonly name: string; readonly version: string };
  /**
   * Keep only PCI drivers that some given configuration builds (y or m): the PCI drivers of
   * arm/arm64 systems. Without configurations every PCI driver is kept.
   */
  readonly pciOnlyConfigured?: boolean;
}

/** Every CONFIG_ symbol the rows mention (build conditions, guards). */
function referencedSymbols(data: Pick<KernelData, "drivers" | "pci" | "early">): Set<string> {
  const out = new Set<string>();
  const addBuild = (b: readonly (readonly string[])[]) => {
    for (const c of b) for (const l of c) out.add(l.replace(/^!/, ""));
  };
  for (const r of [...data.drivers, ...data.pci, ...data.early]) {
    addBuild(r.build);
    if (r.symbol) out.add(r.symbol);
    const guards = "guards" in r ? r.guards : undefined;
    for (const g of Object.values(guards ?? {})) for (const m of g.matchAll(/CONFIG_\w+/g)) out.add(m[0].replace(/_MODULE$/, ""));
  }
  return out;
}

export function extractKernelData(tree: KernelTree, options: ExtractOptions): KernelData {
  const linkOrder = computeLinkOrder(tree, options.arches);
  const index = new FileIndex(tree, linkOrder);
  index.scanCandidates();
  const rows = driverRows(index);
  const parsedConfigs = options.configs.map((c) => ({ input: c, config: parseDotConfig(c.text) }));

  let pci = rows.pci;
  if (options.pciOnlyConfigured && parsedConfigs.length > 0) {
    pci = pci.filter((p) => parsedConfigs.some(({ config }) => buildState(p.build, config.value) !== "n"));
  }
  const symbolsUsed = referencedSymbols({ drivers: rows.drivers, pci, early: rows.early });
  const types = kconfigTypes(tree);
  const symbols: Record<string, SymbolType> = {};
  for (const s of [...symbolsUsed].sort()) {
    const t = types.get(s);
    if (t) symbols[s] = t;
  }
  const configs: ConfigValues[] = parsedConfigs.map(({ input, config }) => {
    const y: string[] = [];
    const m: string[] = [];
    for (const s of [...symbolsUsed].sort()) {
      const v = config.value(s);
      if (v === "y") y.push(s);
      else if (v === "m") m.push(s);
    }
    const arch = config.arch ?? options.arches[0]!;
    return {
      name: input.name,
      arch,
      file: input.file,
      ...(input.package ? { package: input.package } : {}),
      ...(input.packageVersion ? { packageVersion: input.packageVersion } : {}),
      y,
      m,
    };
  });
  const drivers = rows.drivers;
  const pciRows = pci;
  const release = linkOrder.version.split(".").slice(0, 2).join(".");
  return {
    format: KERNEL_DATA_FORMAT,
    formatVersion: KERNEL_DATA_FORMAT_VERSION,
    kernel: { version: linkOrder.version, release },
    source: {
      input: options.input,
      ...(options.sourcePackage ? { package: options.sourcePackage.name, packageVersion: options.sourcePackage.version } : {}),
    },
    command: options.command,
    arches: [...options.arches],
    configs,
    symbols,
    drivers,
    pci: pciRows,
    early: rows.early,
    stats: {
      ofDriversInDrivers: rows.ofDriversInDrivers,
      ofDriversInDriversResolved: rows.ofDriversInDriversResolved,
      ofDrivers: drivers.length,
      compatibles: drivers.reduce((n, d) => n + d.compatible.length, 0),
      pciDrivers: pciRows.length,
      pciIds: pciRows.reduce((n, d) => n + d.ids.length, 0),
      early: rows.early.length,
      otherBusOfDrivers: Object.fromEntries(Object.entries(rows.otherBusOfDrivers).sort(([a], [b]) => (a < b ? -1 : 1))),
    },
    unresolved: rows.unresolved,
  };
}
