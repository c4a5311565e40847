// What the picture draws, decided once from the report: every device lands in exactly one place
// (a group on its IOMMU instance, the instance's "not attached" list, the PCI bridges, the
// problem lists, or the devices without an IOMMU), and large boards are cut down to a budget of
// device nodes with "+N more" nodes standing for the rest. The DOT writer and the HTML page both
// read the scene, so a click on a device in the table finds the node (or summary) that holds it.
import type { Report, ReportDevice, ReportDomain, ReportGroup, ReportIommu } from "../types.ts";
import type { DeviceTopology } from "../topology.ts";
import { addTo, groupBy } from "../collect.ts";
import { pciTreeOf, type PciTree } from "./pci-tree.ts";

export interface SceneOptions {
  /** Prefix of every element id (several reports on one page). */
  readonly idPrefix?: string;
  /** Device nodes drawn at most, over the whole picture (default 240). */
  readonly budget?: number;
  readonly topology?: DeviceTopology;
  /** Put the input, configuration and counts above the picture (default true; the HTML page has its own heading). */
  readonly title?: boolean;
}

/** Devices drawn as one node: "+N more", or the summary of the devices without an IOMMU. */
export interface SceneSummary {
  readonly id: string;
  readonly devices: readonly number[];
  readonly groups: number;
  readonly domains: number;
}

export interface SceneGroup {
  readonly id: string;
  readonly group: ReportGroup;
  readonly shown: readonly number[];
  readonly more: SceneSummary | null;
}

export interface SceneDomain {
  /** Element id of the cluster; for a domain holding exactly one group, also that group's. */
  readonly id: string;
  /** null: the instance's groups without a domain (arm32 groups before a mapping). */
  readonly domain: ReportDomain | null;
  readonly groups: readonly SceneGroup[];
  /** One group that is the whole domain: drawn as one cluster labelled with both. */
  readonly merged: boolean;
  /** Devices attached to the domain outside its groups (an arm32 per-device mapping). */
  readonly loose: readonly number[];
  readonly more: SceneSummary | null;
}

export interface SceneList {
  readonly id: string;
  readonly title: string;
  readonly kind: "not-attached" | "no-iommu" | "pci" | "errors" | ReportDevice["state"];
  readonly shown: readonly number[];
  readonly more: SceneSummary | null;
}

export interface SceneInstance {
  readonly id: string;
  readonly headerId: string;
  readonly iommu: ReportIommu;
  readonly domains: readonly SceneDomain[];
  readonly more: SceneSummary | null;
  readonly notAttached: SceneList | null;
  /** Devices whose fwspec also names this instance after their first one. */
  readonly alsoFor: readonly number[];
}

export interface Scene {
  readonly prefix: string;
  readonly report: Report;
  readonly instances: readonly SceneInstance[];
  readonly problems: readonly SceneList[];
  readonly pci: SceneList | null;
  readonly noIommu: SceneList | null;
  /** Per device index: the element id that shows it (its node or a summary), or null. */
  readonly element: readonly (string | null)[];
  readonly groupElement: ReadonlyMap<number, string>;
  readonly domainElement: ReadonlyMap<number, string>;
  readonly pciTree: PciTree;
  readonly title: boolean;
  /** Devices left out of the picture by the budget (0 when everything is drawn). */
  readonly hidden: number;
}

/** Members of a group drawn at most before "+N more". */
export const GROUP_CAP = 8;
/** Groups of one domain drawn at most before "+N more groups". */
export const DOMAIN_CAP = 16;
/** Devices without an IOMMU listed one by one up to this many; more become one summary node. */
export const NO_IOMMU_LIST = 10;
/** Devices of one problem list (failed, deferred, ...) or "not attached" list drawn at most. */
export const LIST_CAP = 10;
export const DEFAULT_BUDGET = 240;

/** Lists of devices without a group that went wrong, in this order ("errors": bound, but an error on the way, e.g. a bad iommu-map). */
const PROBLEM_STATES: readonly { state: ReportDevice["state"] | "errors"; title: string }[] = [
  { state: "failed", title: "failed" },
  { state: "errors", title: "errors, no IOMMU group" },
  { state: "deferred", title: "deferred" },
  { state: "unbound", title: "unbound" },
  { state: "not-created", title: "not created" },
  { state: "removed", title: "removed" },
];

export function buildScene(report: Report, options: SceneOptions = {}): Scene {
  const p = options.idPrefix ?? "";
  const budget = Math.max(1, options.budget ?? DEFAULT_BUDGET);
  const devices = report.devices;
  const index = new Map<string, number>();
  for (let i = 0; i < devices.length; i++) index.set(devices[i]!.name, i);
  const element: (string | null)[] = new Array(devices.length).fill(null);
  const groupElement = new Map<number, string>();
  const domainElement = new Map<number, string>();
  const idx = (names: readonly string[]) => names.map((n) => index.get(n)).filter((i): i is number => i !== undefined);
  const summary = (id: string, members: number[], groups = 0, domains = 0): SceneSummary | null => {
    if (members.length === 0 && groups === 0 && domains === 0) return null;
    for (const i of members) element[i] ??= id;
    return { id, devices: members, groups, domains };
  };
  const show = (list: number[], cap: number, id: string, moreId: string): { shown: number[]; more: SceneSummary | null } => {
    const cut = list.length > cap ? cap - 1 : list.length;
    const shown = list.slice(0, cut);
    for (const i of shown) element[i] = id + i;
    return { shown, more: summary(moreId, list.slice(cut)) };
  };

  const iommuDevice = new Set(report.iommus.map((i) => i.name).filter((n): n is string => n !== null));
  const pciTree = pciTreeOf(report, options.topology);
  const groupsOf = groupBy(report.groups, (g) => g.iommu);
  const domainsOf = groupBy(report.domains, (d) => d.iommu);
  const groupsOnDomain = groupBy(report.groups, (g) => g.domain);
  const notAttached = new Map<string, number[]>();
  const alsoFor = new Map<string, number[]>();
  const problems = new Map<ReportDevice["state"] | "errors", number[]>();
  const pciList: number[] = [];
  const noIommu: number[] = [];
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    for (const x of d.extraIommus) addTo(alsoFor, x, i);
    if (d.group !== null) continue;
    const exists = d.state !== "not-created" && d.state !== "removed";
    if (exists && d.wantedIommu !== null) addTo(notAttached, d.wantedIommu, i);
    else if (PROBLEM_STATES.some((s) => s.state === d.state)) addTo(problems, d.state, i);
    else if (d.errors.length > 0) addTo(problems, "errors", i);
    else if (iommuDevice.has(d.name)) continue; // drawn as its instance's header
    else if (pciTree.bridges.has(d.name)) pciList.push(i);
    else noIommu.push(i);
  }

  // The budget is shared out by the number of grouped devices each instance holds, with a floor
  // so that a small instance beside a huge one still shows what it has.
  const grouped = report.iommus.map((m) => (groupsOf.get(m.path) ?? []).reduce((n, g) => n + g.devices.length, 0));
  const total = grouped.reduce((a, b) => a + b, 0);
  const instances: SceneInstance[] = report.iommus.map((iommu, k) => {
    const id = `${p}iommu${k}`;
    let allowance = total <= budget ? Infinity : Math.max(Math.min(grouped[k]!, 12), Math.floor((budget * grouped[k]!) / total));
    const units: { domain: ReportDomain | null; groups: ReportGroup[] }[] = [];
    const mine = new Set<number>();
    for (const d of domainsOf.get(iommu.path) ?? []) {
      mine.add(d.id);
      units.push({ domain: d, groups: (groupsOnDomain.get(d.id) ?? []).filter((g) => g.iommu === iommu.path) });
    }
    const orphans = (groupsOf.get(iommu.path) ?? []).filter((g) => g.domain === null || !mine.has(g.domain));
    if (orphans.length > 0) units.push({ domain: null, groups: orphans });
    const domains: SceneDomain[] = [];
    const hiddenDevices: number[] = [];
    let hiddenGroups = 0;
    let hiddenDomains = 0;
    for (const u of units) {
      const did = u.domain ? `${p}dom${u.domain.id}` : `${p}nodom${k}`;
      if (allowance <= 0) {
        hiddenDomains++;
        hiddenGroups += u.groups.length;
        for (const g of u.groups) pushAll(hiddenDevices, idx(g.devices));
        if (u.domain) pushAll(hiddenDevices, idx(u.domain.devices).filter((i) => devices[i]!.group === null));
        continue;
      }
      const inGroups = new Set(u.groups.flatMap((g) => g.devices));
      // A member whose group sits on another instance (a driver attached it to this domain) is
      // drawn in its group there, once: a node can be in one cluster only.
      const looseAll = u.domain ? idx(u.domain.devices.filter((n) => !inGroups.has(n))).filter((i) => devices[i]!.group === null) : [];
      const merged = u.domain !== null && u.groups.length === 1 && looseAll.length === 0;
      const groups: SceneGroup[] = [];
      const moreDevices: number[] = [];
      let moreGroups = 0;
      for (let j = 0; j < u.groups.length; j++) {
        const g = u.groups[j]!;
        const members = idx(g.devices);
        const overCap = j >= DOMAIN_CAP - 1 && u.groups.length > DOMAIN_CAP;
        if ((overCap || allowance <= 0) && j > 0) {
          moreGroups++;
          pushAll(moreDevices, members);
          continue;
        }
        const gid = merged ? did : `${p}grp${g.id}`;
        groupElement.set(g.id, gid);
        const cap = Math.max(2, Math.min(GROUP_CAP, allowance));
        const { shown, more } = show(members, cap, `${p}d`, `${gid}_more`);
        allowance -= shown.length + (more ? 1 : 0);
        groups.push({ id: gid, group: g, shown, more });
      }
      const loose = show(looseAll, LIST_CAP, `${p}d`, `${did}_loose`);
      if (u.domain) domainElement.set(u.domain.id, did);
      pushAll(moreDevices, loose.more?.devices ?? []);
      const more = summary(`${did}_more`, moreDevices, moreGroups);
      domains.push({ id: did, domain: u.domain, groups, merged, loose: loose.shown, more });
    }
    const na = notAttached.get(iommu.path) ?? [];
    const naShown = show(na, LIST_CAP, `${p}d`, `${id}_na_more`);
    return {
      id,
      headerId: `${id}_hdr`,
      iommu,
      domains,
      more: summary(`${id}_more`, hiddenDevices, hiddenGroups, hiddenDomains),
      notAttached: na.length > 0 ? { id: `${id}_na`, title: "not attached", kind: "not-attached", ...naShown } : null,
      alsoFor: alsoFor.get(iommu.path) ?? [],
    };
  });
  for (let k = 0; k < report.iommus.length; k++) {
    const i = report.iommus[k]!.name === null ? undefined : index.get(report.iommus[k]!.name!);
    if (i !== undefined && element[i] === null) element[i] = instances[k]!.headerId;
  }

  const lists = (kind: SceneList["kind"], title: string, members: number[], cap: number): SceneList | null => {
    if (members.length === 0) return null;
    const id = `${p}list_${kind.replace(/-/g, "_")}`;
    return { id, title, kind, ...show(members, cap, `${p}d`, `${id}_more`) };
  };
  const problemLists = PROBLEM_STATES.map((s) => lists(s.state, s.title, problems.get(s.state) ?? [], LIST_CAP)).filter((l): l is SceneList => l !== null);
  const pci = lists("pci", "PCI host bridges and bridges without an IOMMU group", pciList, 24);
  const noIommuList = noIommu.length <= NO_IOMMU_LIST ? lists("no-iommu", "no IOMMU", noIommu, NO_IOMMU_LIST) : { id: `${p}list_no_iommu`, title: "no IOMMU", kind: "no-iommu" as const, shown: [], more: summary(`${p}list_no_iommu_all`, noIommu) };
  const hidden = element.reduce((n, e, i) => n + (e !== null && e !== `${p}d${i}` && !e.endsWith("_hdr") ? 1 : 0), 0);
  return { prefix: p, title: options.title ?? true, report, instances, problems: problemLists, pci, noIommu: noIommuList, element, groupElement, domainElement, pciTree, hidden };
}

/** push(...items) without spreading: a summary may stand for a hundred thousand devices. */
function pushAll<T>(to: T[], items: readonly T[]): void {
  for (const t of items) to.push(t);
}
