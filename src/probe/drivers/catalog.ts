// Which drivers the emulated kernel has: a driver table read from kernel sources (the shipped
// data/kernel tables with Debian's configurations, a user's tree with --kernel-src, a user's
// .config with --kconfig) or, when none applies (--assume-drivers), dtprobe's assumption that
// every device tree device has one. The catalog answers, per device, which drivers match in the
// order the driver core tries them (docs/kernel-data-research.md §1): built-in drivers by initcall
// level, then link order; modules after boot; drivers the configuration does not build, with the
// reason. Which of them binds, and what its row does, is match.ts's.
import type { CpuArch } from "../../graph/index.ts";
import {
  buildState,
  configValuesFromDotConfig,
  INITCALL_LEVELS,
  kernelDataFor,
  kernelDataFileForSource,
  KernelDriverTable,
  loadKernelData,
  type ConfigValues,
  type EarlyDeclaration,
  type KernelData,
  type OfDriver,
  type PciDriver,
  type Tristate,
} from "../../kernel-data/index.ts";
import type { InitcallLevel, UnboundReason } from "./binding.ts";

/** What the report says about the driver table a run used (the JSON's config.kernelData). */
export interface KernelDataInfo {
  /** "shipped": data/kernel; "kernel-src": the user's tree; "assumed": no table. */
  readonly source: "shipped" | "kernel-src" | "assumed";
  /** major.minor of the table, and its full version (`6.1`, `6.1.192`). */
  readonly release: string | null;
  readonly version: string | null;
  /** The table is for the kernel version emulated. */
  readonly exact: boolean;
  /** Why the table is not the kernel's own, or what it cannot know. */
  readonly note: string | null;
  /** The source package (`linux-source-6.1 6.1.192-3`) or tree the table was read from. */
  readonly from: string | null;
  /** The configuration applied (null: none, every driver counts as built in). */
  readonly configuration: {
    readonly name: string;
    readonly arch: "arm64" | "arm";
    readonly file: string;
    readonly package: string | null;
    readonly packageVersion: string | null;
  } | null;
  /** Why drivers are assumed (set only when source is "assumed"). */
  readonly assumed: string | null;
}

/** A driver that matches a device, in the order the driver core tries it. */
export interface Candidate {
  readonly driver: OfDriver | PciDriver;
  /** Built in, or a module (drivers the configuration does not build are never candidates). */
  readonly state: "y" | "m";
  /** Its initcall level when built in; "module" for a module. */
  readonly level: InitcallLevel;
}

/** The drivers that could bind a device: those that will be tried, and why none can when none. */
export interface Selection {
  /** Candidates in the order they register: the first binds unless its probe fails. */
  readonly candidates: readonly Candidate[];
  /** When no candidate: why (the report's unboundReason and reason). */
  readonly unbound?: { readonly code: UnboundReason; readonly reason: string };
}

/** Early init code that takes a node (the data's `early` rows), with whether it makes a device. */
export interface EarlyUse {
  readonly decl: EarlyDeclaration;
  /**
   * of_irq_init and of_clk_init set OF_POPULATED on the nodes they initialise: no platform
   * device is created for them (CLK_OF_DECLARE_DRIVER clears the flag again; TIMER_OF_DECLARE
   * and RESERVEDMEM_OF_DECLARE never set it).
   */
  readonly consumesNode: boolean;
}

const LEVEL_RANK = new Map<string, number>(INITCALL_LEVELS.map((l, i) => [l, i]));
const levelOf = (d: OfDriver | PciDriver): InitcallLevel => d.registration?.level ?? "device";

/** Built-in first (initcall level, then link order: registration order), then modules by link order. */
function byRegistration(a: Candidate, b: Candidate): number {
  if (a.state !== b.state) return a.state === "y" ? -1 : 1;
  if (a.state === "y") {
    const d = LEVEL_RANK.get(a.level)! - LEVEL_RANK.get(b.level)!;
    if (d !== 0) return d;
  }
  return a.driver.link - b.driver.link;
}

export class DriverCatalog {
  /** How reasons name the table: `6.12 (arm64 config)`. */
  readonly label: string;
  readonly #byList = new WeakMap<readonly string[], Selection>();
  readonly #early = new Map<string, EarlyDeclaration>();
  readonly #earlyByList = new WeakMap<readonly string[], EarlyUse | null>();
  #amba: OfDriver[] | undefined;
  #pciByName: Map<string, PciDriver> | undefined;

  private constructor(
    /** The table with its configuration; undefined: drivers are assumed. */
    readonly table: KernelDriverTable | undefined,
    readonly info: KernelDataInfo,
  ) {
    const c = info.configuration;
    this.label = !table ? "(no table)" : `${info.source === "kernel-src" ? (info.version ?? info.release) : info.release} (${c ? (c.name === "kconfig" ? `config ${c.file}` : `${c.name} config`) : "no configuration: every driver built in"})`;
    if (table) {
      for (const e of table.data.early) {
        const key = e.compatible.toLowerCase();
        // Early code is never modular: only a built-in object has an entry in the OF_DECLARE tables.
        if (!this.#early.has(key) && buildState(e.build, (sym) => table.value(sym)) === "y") this.#early.set(key, e);
      }
    }
  }

  /** A table applies: drivers are looked up. */
  static fromTable(table: KernelDriverTable, info: Omit<KernelDataInfo, "assumed" | "configuration">): DriverCatalog {
    const c: ConfigValues | undefined = table.config;
    const configuration = c ? { name: c.name, arch: c.arch, file: c.file, package: c.package ?? null, packageVersion: c.packageVersion ?? null } : null;
    return new DriverCatalog(table, { ...info, configuration, assumed: null });
  }

  /** No table applies: every device tree device is assumed to have a driver. */
  static assumed(why: string): DriverCatalog {
    return new DriverCatalog(undefined, { source: "assumed", release: null, version: null, exact: false, note: null, from: null, configuration: null, assumed: why });
  }

  get data(): KernelData | undefined {
    return this.table?.data;
  }

  /** The OF drivers (platform bus) that match a compatible list, in the order they try it. */
  ofSelection(compatible: readonly string[]): Selection {
    let sel = this.#byList.get(compatible);
    if (!sel) {
      sel = this.#selectOf(compatible);
      this.#byList.set(compatible, sel);
    }
    return sel;
  }

  #selectOf(compatible: readonly string[]): Selection {
    const table = this.table!;
    const matches = table.matching(compatible).filter((m) => m.driver.bus === "platform");
    const guarded = table.guardedOut(compatible).filter((g) => g.driver.bus === "platform");
    const early = this.earlyFor(compatible);
    return this.#select(
      matches.map((m) => m.driver),
      () => {
        if (guarded.length > 0) return { code: "not-built", reason: guarded.map((g) => `driver ${g.driver.name} lists \`${g.compatible}\` only when ${g.guard}, which ${this.label} does not set`).join("; ") };
        if (early) return { code: "early-init", reason: `initialised by ${early.decl.macro} (${early.decl.file}) at boot; no driver in ${this.label} binds it` };
        return { code: "no-match", reason: `no driver for ${compatible.map((c) => `\`${c}\``).join(", ") || "(no compatible)"} in ${this.label}` };
      },
    );
  }

  /**
   * Orders the matching drivers and explains an empty result: built-in drivers and modules are
   * candidates (modules udev cannot load for this device, having no MODULE_DEVICE_TABLE, last:
   * they bind only when another driver of their module loads it, modulesLoaded in match.ts);
   * drivers not built are reasons.
   */
  #select(drivers: readonly (OfDriver | PciDriver)[], none: () => { code: UnboundReason; reason: string }): Selection {
    const table = this.table!;
    const candidates: Candidate[] = [];
    const withoutAlias: Candidate[] = [];
    const notBuilt: string[] = [];
    for (const d of drivers) {
      const state = table.state(d);
      if (state === "n") notBuilt.push(`driver ${d.name} is not built in ${this.label} (${this.whyNotBuilt(d)})`);
      else (state === "m" && !d.modalias ? withoutAlias : candidates).push({ driver: d, state, level: state === "m" ? "module" : levelOf(d) });
    }
    candidates.sort(byRegistration);
    withoutAlias.sort(byRegistration);
    if (candidates.length > 0 || withoutAlias.length > 0) return { candidates: [...candidates, ...withoutAlias] };
    if (notBuilt.length > 0) return { candidates, unbound: { code: "not-built", reason: notBuilt.join("; ") } };
    return { candidates, unbound: none() };
  }

  /** Why a module without a MODULE_DEVICE_TABLE is never loaded on this board. */
  notLoadedReason(d: OfDriver | PciDriver): string {
    return `driver ${d.name} is only a module (${this.moduleSymbol(d)}=m, ${d.module}.ko) without a MODULE_DEVICE_TABLE, and no device of this board loads ${d.module}.ko through another driver's aliases: nothing loads it`;
  }

  /** The first clause of a driver's build condition that the configuration does not meet. */
  whyNotBuilt(d: OfDriver | PciDriver): string {
    const table = this.table!;
    for (const clause of d.build) {
      const holds = clause.some((lit) => (lit.startsWith("!") ? table.value(lit.slice(1)) === "n" : table.value(lit) !== "n"));
      if (holds) continue;
      const names = clause.map((lit) => (lit.startsWith("!") ? `${lit.slice(1)} is set` : `${lit} is not set`));
      return names.length === 1 ? names[0]! : `none of: ${names.join(", ")}`;
    }
    return "its build condition does not hold";
  }

  /** The symbol that makes a driver a module (the weakest clause's m literal). */
  moduleSymbol(d: OfDriver | PciDriver): string {
    const table = this.table!;
    for (const clause of d.build) {
      const best = clause.map((lit) => (lit.startsWith("!") ? "y" : table.value(lit)));
      if (!best.includes("y") && best.includes("m")) return clause[best.indexOf("m")]!;
    }
    return d.symbol ?? "its Kconfig symbol";
  }

  /**
   * Early init code built into this kernel that takes a node with this compatible list (any
   * compatible, as of_irq_init / of_clk_init / timer_probe match), or null.
   */
  earlyFor(compatible: readonly string[]): EarlyUse | null {
    let e = this.#earlyByList.get(compatible);
    if (e === undefined) {
      e = null;
      for (const c of compatible) {
        const decl = this.#early.get(c.toLowerCase());
        if (decl) {
          e = { decl, consumesNode: decl.macro === "IRQCHIP_DECLARE" || decl.macro === "CLK_OF_DECLARE" };
          break;
        }
      }
      this.#earlyByList.set(compatible, e);
    }
    return e;
  }

  /** AMBA drivers whose amba_id table holds the peripheral ID, compared on the bits the ID fixes. */
  ambaSelection(periphid: number, knownBits: number, what: string): Selection {
    this.#amba ??= this.table!.data.drivers.filter((d) => d.bus === "amba" && d.amba !== undefined);
    const hits = this.#amba.filter((d) =>
      d.amba!.some((entry) => {
        const [id, mask] = entry.split("&").map((x) => parseInt(x, 16)) as [number, number];
        const m = mask & knownBits;
        return ((periphid & m) >>> 0) === ((id & m) >>> 0);
      }),
    );
    return this.#select(hits, () => ({ code: "no-match", reason: `no AMBA driver in ${this.label} has peripheral ID ${what} in its amba_id table` }));
  }

  /** A PCI driver by name (the --pci file names the driver that binds). */
  pciDriver(name: string): PciDriver | undefined {
    this.#pciByName ??= new Map(this.table!.data.pci.map((d) => [d.name, d]));
    return this.#pciByName.get(name);
  }

  /** PCI drivers whose pci_device_id table matches (pci_match_one_device), in registration order. */
  pciSelection(vendor: number, device: number, classCode: number): Selection {
    const hits = this.table!.data.pci.filter((d) => d.ids.some((id) => pciIdMatches(id, vendor, device, classCode)));
    const hex4 = (v: number) => v.toString(16).padStart(4, "0");
    return this.#select(hits, () => ({ code: "no-match", reason: `no PCI driver in ${this.label} matches ${hex4(vendor)}:${hex4(device)} class ${classCode.toString(16).padStart(6, "0")}` }));
  }

  /** The state of one driver row under the configuration. */
  state(d: OfDriver | PciDriver): Tristate {
    return this.table!.state(d);
  }
}

/**
 * pci_match_one_device for one `vvvv:dddd[ sub ssss:ssss][ class cccccc/mmmmmm]` entry. The --pci
 * file has no subsystem IDs: an entry that needs them does not match.
 */
export function pciIdMatches(entry: string, vendor: number, device: number, classCode: number): boolean {
  const m = /^([0-9a-f]{4}|\*):([0-9a-f]{4}|\*)( sub \S+)?( class ([0-9a-f]{6})\/([0-9a-f]{6}))?$/.exec(entry);
  if (!m) return false;
  // A bare PCI_ANY_ID:PCI_ANY_ID entry is vfio-pci's override_only one (PCI_DRIVER_OVERRIDE_DEVICE_VFIO):
  // pci_match_device skips it unless driver_override names the driver.
  if (m[1] === "*" && m[2] === "*" && !m[4]) return false;
  if (m[1] !== "*" && parseInt(m[1]!, 16) !== vendor) return false;
  if (m[2] !== "*" && parseInt(m[2]!, 16) !== device) return false;
  if (m[3]) return false;
  if (m[4] && ((parseInt(m[5]!, 16) ^ classCode) & parseInt(m[6]!, 16)) !== 0) return false;
  return true;
}

/** What the user asked for: --assume-drivers, --kconfig FILE (read), --kernel-src DIR. */
export interface DriverTableRequest {
  readonly assume?: boolean;
  /** Over the shipped table (with --kernel-src, the .config is already in `kernelSrc`'s table). */
  readonly kconfig?: { readonly file: string; readonly text: string };
  /** --kernel-src DIR, its table already extracted into `dataFile` (driverTablesForSource). */
  readonly kernelSrc?: { readonly dir: string; readonly dataFile: string };
}

const ASSUME_OPTION = "--assume-drivers: every device tree device is taken to have a driver that binds it (no driver table)";

/**
 * The catalog of a run on the shipped tables: the table of `version` (or the nearest shipped one,
 * with a note), with Debian's configuration for the board's architecture or the user's .config.
 */
export function driverCatalogFor(version: string, arch: CpuArch, req: DriverTableRequest = {}): DriverCatalog {
  if (req.assume) return DriverCatalog.assumed(ASSUME_OPTION);
  if (req.kernelSrc) {
    // As the shipped tables: one catalog per table and version in a process (a batch's boards).
    const { dir, dataFile } = req.kernelSrc;
    const key = `${dataFile}|${version}`;
    let catalog = sourceCatalogs.get(key);
    if (!catalog) sourceCatalogs.set(key, (catalog = sourceCatalog(dir, dataFile, version)));
    return catalog;
  }
  // The shipped table with Debian's configuration is the same for every run of a version and
  // architecture (its answers are cached per compatible list): made once per process.
  const key = `${version}|${arch}`;
  const cached = req.kconfig ? undefined : shippedCatalogs.get(key);
  if (cached) return cached;
  const catalog = shippedCatalog(version, arch, req);
  if (!req.kconfig) shippedCatalogs.set(key, catalog);
  return catalog;
}

const shippedCatalogs = new Map<string, DriverCatalog>();
const sourceCatalogs = new Map<string, DriverCatalog>();

function shippedCatalog(version: string, arch: CpuArch, req: DriverTableRequest): DriverCatalog {
  const choice = kernelDataFor(version);
  if (!choice) return DriverCatalog.assumed("no driver table is shipped with this installation (data/kernel): every device tree device is taken to have a driver");
  const table = req.kconfig ? new KernelDriverTable(choice.data, configValuesFromDotConfig(req.kconfig.text, req.kconfig.file, arch)) : KernelDriverTable.forArch(choice.data, arch);
  const src = choice.data.source;
  return DriverCatalog.fromTable(table, {
    source: "shipped",
    release: choice.release,
    version: choice.data.kernel.version,
    exact: choice.exact,
    note: choice.note ?? null,
    from: src.package ? `${src.package} ${src.packageVersion ?? ""}`.trim() : src.input,
  });
}

/**
 * The catalog of the user's own tree (--kernel-src DIR, with --kconfig FILE as its configuration):
 * extracted once and cached (kernelDataForSource). Without --kconfig every driver counts as built in.
 */
export async function driverCatalogForSource(dir: string, version: string, kconfig: string | undefined, cache: SourceCache = {}): Promise<DriverCatalog> {
  const req = await driverTablesForSource(dir, kconfig, cache);
  return sourceCatalog(dir, req.kernelSrc!.dataFile, version);
}

type SourceCache = { readonly cacheDir?: string; readonly refresh?: boolean };

/**
 * --kernel-src DIR [--kconfig FILE] as a request any thread can serve (batch workers): the table
 * extracted and cached first, here.
 */
export async function driverTablesForSource(dir: string, kconfig: string | undefined, cache: SourceCache = {}): Promise<DriverTableRequest> {
  return { kernelSrc: { dir, dataFile: await kernelDataFileForSource(dir, { kconfig, ...cache }) } };
}

function sourceCatalog(dir: string, dataFile: string, version: string): DriverCatalog {
  const data = loadKernelData(dataFile);
  const table = new KernelDriverTable(data, data.configs[0]);
  const asked = version.split(".").slice(0, 2).join(".");
  const exact = data.kernel.release === asked;
  return DriverCatalog.fromTable(table, {
    source: "kernel-src",
    release: data.kernel.release,
    version: data.kernel.version,
    exact,
    note: exact ? null : `--kernel ${version} is emulated with the drivers of ${dir} (${data.kernel.version})`,
    from: dir,
  });
}
