// Driver rows of the data file from the scanned facts: each platform/AMBA driver with its OF table
// (and AMBA IDs), each PCI driver with its ID table, resolved across files; registration and link
// position; what probe reaches. Also the early (*_OF_DECLARE) compatibles.
import type { FileFacts } from "./c-scan.ts";
import { readDriverStruct, type DriverStruct } from "./driver-structs.ts";
import type { FileIndex } from "./file-index.ts";
import { stringValue } from "./initializer.ts";
import type { OfEntry, TableResult } from "./match-tables.ts";
import { probeReach } from "./probe-calls.ts";
import { EARLY_MACROS } from "./kernel-macros.ts";
import { registrationSites, type RegistrationSite } from "./registration.ts";
import type { EarlyDeclaration, OfDriver, PciDriver, ProbeCall, Registration, UnresolvedItem } from "./types.ts";

type Row = (Omit<OfDriver, "link"> | Omit<PciDriver, "link">) & { readonly order: readonly number[] };

export interface DriverRowsResult {
  readonly drivers: OfDriver[];
  readonly pci: PciDriver[];
  readonly early: EarlyDeclaration[];
  readonly unresolved: UnresolvedItem[];
  readonly otherBusOfDrivers: Record<string, number>;
  readonly ofDriversInDrivers: number;
  readonly ofDriversInDriversResolved: number;
}

/** Whether a file exports a table to module aliases (MODULE_DEVICE_TABLE(of|pci|amba, name)). */
function exportsTable(facts: FileFacts | undefined, bus: string, name: string): boolean {
  return (
    facts?.invocations.some((i) => i.name === "MODULE_DEVICE_TABLE" && i.args.length === 2 && i.args[0]!.map((t) => t.v).join("") === bus && i.args[1]!.map((t) => t.v).join("") === name) ?? false
  );
}

function uniq(calls: readonly ProbeCall[]): ProbeCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const k = `${c.call}@${c.in}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

interface OfTableFacts {
  readonly table: string;
  readonly compatible: string[];
  readonly guards?: Record<string, string>;
  readonly modalias: boolean;
}

/** The compatibles (and their guards) of a driver's OF table, wherever in the module it is. */
function ofTableOf(index: FileIndex, d: DriverStruct, problems: string[]): OfTableFacts | undefined {
  if (d.ofTable === undefined) {
    problems.push(`OF table expression not resolved: ${d.ofTableText}`);
    return undefined;
  }
  const t = index.find<TableResult<OfEntry>>(d.file, (f) => f.ofTables.get(d.ofTable!));
  if (!t) {
    problems.push(`OF table ${d.ofTable} not found`);
    return undefined;
  }
  const facts = index.facts(t.file)!;
  const compatible: string[] = [];
  let guards: Record<string, string> | undefined;
  for (const e of t.value.entries) {
    if (compatible.includes(e.compatible)) continue;
    compatible.push(e.compatible);
    const g = facts.guards[e.g] ?? [];
    if (g.length > 0) (guards ??= {})[e.compatible] = g.join("&&");
  }
  for (const u of t.value.unresolved) problems.push(`compatible not a string literal: ${u}`);
  if (compatible.length === 0 && t.value.unresolved.length === 0) problems.push(`OF table ${d.ofTable} has no compatible`);
  return { table: d.ofTable, compatible, ...(guards ? { guards } : {}), modalias: exportsTable(facts, "of", d.ofTable) };
}

/** The entries of a PCI or AMBA driver's ID table. */
function idTableOf(index: FileIndex, d: DriverStruct, problems: string[]): { ids: string[]; modalias: boolean } | undefined {
  if (d.idTable === undefined) {
    if (d.bus === "pci" && !d.managedDma) problems.push("no .id_table");
    return undefined;
  }
  const t = index.find<TableResult<string>>(d.file, (f) => (d.bus === "pci" ? f.pciTables : f.ambaTables).get(d.idTable!));
  if (!t) {
    problems.push(`ID table ${d.idTable} not found`);
    return undefined;
  }
  for (const u of t.value.unresolved) problems.push(`ID entry not constant: ${u}`);
  return { ids: t.value.entries, modalias: exportsTable(index.facts(t.file), d.bus!, d.idTable) };
}

export function driverRows(index: FileIndex): DriverRowsResult {
  const unresolved: UnresolvedItem[] = [];
  const otherBusOfDrivers: Record<string, number> = {};
  const structs: DriverStruct[] = [];
  const sitesByVar = new Map<string, RegistrationSite[]>();
  const early: EarlyDeclaration[] = [];
  for (const path of index.candidates) {
    const facts = index.facts(path)!;
    for (const def of facts.driverStructs) structs.push(readDriverStruct(path, def));
    for (const s of registrationSites(facts, index)) {
      const list = sitesByVar.get(s.driverVar);
      if (list) list.push(s);
      else sitesByVar.set(s.driverVar, [s]);
    }
    early.push(...earlyDeclarations(index, facts));
  }

  /** The registration of a struct: a site in its file, else one whose file resolves the name to it. */
  const registrationOf = (d: DriverStruct): RegistrationSite | undefined => {
    const sites = sitesByVar.get(d.varName) ?? [];
    const own = sites.find((s) => s.callFile === d.file);
    if (own) return own;
    return sites.find((s) => index.find(s.callFile, (f) => (f.driverStructs.some((x) => x.name === d.varName) ? true : undefined))?.file === d.file);
  };

  const rows: Row[] = [];
  let ofDriversInDrivers = 0;
  let ofDriversInDriversResolved = 0;
  for (const d of structs) {
    const hasOf = d.ofTable !== undefined || d.ofTableText !== undefined;
    if (d.bus === undefined) {
      if (hasOf) otherBusOfDrivers[d.struct] = (otherBusOfDrivers[d.struct] ?? 0) + 1;
      continue;
    }
    const b = index.build(d.file);
    const inDrivers = d.file.startsWith("drivers/") && d.bus !== "pci" && hasOf;
    if (inDrivers) ofDriversInDrivers++;
    const problems: string[] = [];
    if (!b) problems.push("no Makefile builds this file");
    // `.name = foo_driver_name` with `static const char foo_driver_name[] = "foo";`
    const name = d.name ?? (d.nameText && /^\w+$/.test(d.nameText) ? index.find(d.file, (f) => f.strings.get(d.nameText!))?.value : undefined);
    if (name === undefined) problems.push(`name not a string literal: ${d.nameText}`);
    const site = registrationOf(d);
    if (!site) problems.push("no registration found (module_*_driver or a register call in an initcall)");

    const of = d.bus !== "pci" && hasOf ? ofTableOf(index, d, problems) : undefined;
    const idt = d.bus === "amba" || d.bus === "pci" ? idTableOf(index, d, problems) : undefined;
    const compatible = of?.compatible ?? [];
    const guards = of?.guards;
    const table = of?.table;
    const ids = idt?.ids;
    // A module is loaded for a device only through the aliases of an exported ID table.
    const modalias = (of?.modalias ?? false) || (idt?.modalias ?? false);
    if (d.bus === "pci" && (!ids || ids.length === 0) && !d.managedDma) {
      for (const p of problems) unresolved.push({ file: d.file, what: d.varName, reason: p });
      continue;
    }
    // Without compatibles or AMBA IDs a platform/AMBA driver binds only by name or
    // driver_override: kept when it owns DMA (vfio-platform, vfio-amba), which the IOMMU model needs.
    if (d.bus !== "pci" && compatible.length === 0 && (!ids || ids.length === 0) && !d.managedDma) {
      if (hasOf || (d.bus === "amba" && d.idTable !== undefined)) for (const p of problems) unresolved.push({ file: d.file, what: d.varName, reason: p });
      continue;
    }
    for (const p of problems) unresolved.push({ file: d.file, what: d.varName, reason: p });
    if (inDrivers && problems.length === 0) ofDriversInDriversResolved++;
    if (!b || name === undefined) continue;

    const probe = d.probe ?? site?.probe;
    const reach = probe ? probeReach(d.file, probe, index.resolveFunction) : undefined;
    const cells = reach?.mfdCellArrays.flatMap((a) => index.find(a.file, (f) => f.mfdCells.get(a.name))?.value ?? []) ?? [];
    const regFile = site ? index.build(site.file) : undefined;
    const registration: Registration | undefined = site && {
      via: site.via,
      level: site.level,
      ...(site.probeOnce ? { probeOnce: true as const } : {}),
      ...(site.call ? { call: site.call } : {}),
      ...(site.file !== d.file ? { file: site.file } : {}),
    };
    const order = site && regFile ? [regFile.link, site.at, site.index] : [b.link, d.at, 0];
    const common = {
      name,
      file: d.file,
      module: b.module,
      symbol: b.symbol,
      build: b.build,
      ...(d.managedDma ? { managedDma: true as const } : {}),
      ...(modalias ? { modalias: true as const } : {}),
      ...(registration ? { registration } : {}),
      ...(probe ? { probe } : {}),
      ...(reach && reach.creates.length ? { creates: uniq(reach.creates) } : {}),
      ...(reach && reach.iommuCalls.length ? { iommuCalls: uniq(reach.iommuCalls) } : {}),
      ...(reach && reach.component.length ? { component: uniq(reach.component) } : {}),
      ...(cells.length ? { mfdCells: cells } : {}),
      order,
    };
    if (d.bus === "pci") rows.push({ ...common, bus: "pci", ids: ids ?? [], ...(d.idTable ? { table: d.idTable } : {}) });
    else
      rows.push({
        ...common,
        bus: d.bus,
        compatible,
        ...(guards ? { guards } : {}),
        ...(table ? { table } : {}),
        ...(ids && ids.length ? { amba: ids } : {}),
      });
  }

  // Link order: a global rank over every row by (file link position, place in file, call index).
  rows.sort((a, b) => a.order[0]! - b.order[0]! || a.order[1]! - b.order[1]! || a.order[2]! - b.order[2]!);
  const drivers: OfDriver[] = [];
  const pci: PciDriver[] = [];
  rows.forEach(({ order: _order, ...r }, link) => {
    if (r.bus === "pci") pci.push({ ...(r as Omit<PciDriver, "link">), link });
    else drivers.push({ ...(r as Omit<OfDriver, "link">), link });
  });
  return { drivers, pci, early, unresolved, otherBusOfDrivers, ofDriversInDrivers, ofDriversInDriversResolved };
}

function earlyDeclarations(index: FileIndex, facts: FileFacts): EarlyDeclaration[] {
  const out: EarlyDeclaration[] = [];
  const b = index.build(facts.path);
  if (!b) return out;
  for (const inv of facts.invocations) {
    const argIndex = EARLY_MACROS[inv.name];
    if (argIndex === undefined) continue;
    const arg = inv.args[argIndex];
    if (!arg) continue;
    const compatible = stringValue({ kind: "expr", tokens: arg });
    if (compatible === undefined) continue;
    out.push({ macro: inv.name, compatible, file: facts.path, module: b.module, symbol: b.symbol, build: b.build });
  }
  return out;
}
