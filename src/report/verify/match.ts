// The prediction against a booted board, device by device. Group numbers are the kernel's IDA
// numbers in probe order, so they are never compared: a device agrees when the set of devices it
// shares its group with is the same in both (restricted to the devices both sides know), and,
// when the target shows it, the group's type is the same. Devices only one side knows are
// reported, and count as disagreements when that side puts them in a group.
import type { Report, ReportDevice } from "../types.ts";
import type { BootedGroups } from "./booted.ts";

export const VERIFY_VERSION = 1;

export type Verdict =
  /** Same group partition (and type, when shown) on both sides. */
  | "agree"
  | "disagree"
  /** Predicted without a group and absent from the listing: nothing to compare. */
  | "unlisted"
  /** Listed without a group, unknown to the model (another bus, a device the tree does not describe). */
  | "unmodelled";

export interface VerifySide {
  /** Group number on that side, or null. */
  readonly group: string | null;
  /** The other members of the group known to both sides, sorted. */
  readonly with: readonly string[];
  /** The group's type (sysfs words; `unknown` for a group without a default domain), or null. */
  readonly type: string | null;
}

export interface VerifyDevice {
  readonly name: string;
  readonly verdict: Verdict;
  readonly predicted: VerifySide | null;
  readonly booted: VerifySide | null;
  /** Why it disagrees (empty otherwise). */
  readonly reasons: readonly string[];
}

export interface GroupPair {
  /** The booted group number, or null for a predicted group none of whose members has one. */
  readonly booted: string | null;
  /** The predicted groups of its members (one when the partition agrees). */
  readonly predicted: readonly number[];
  /** Its members known to both sides (booted members, else predicted). */
  readonly devices: readonly string[];
  /** Exactly one predicted group with exactly these members. */
  readonly same: boolean;
}

export interface Verification {
  readonly version: typeof VERIFY_VERSION;
  readonly tool: "dtprobe";
  readonly command: "verify";
  readonly input: string | null;
  readonly source: BootedGroups["source"];
  readonly file: string;
  readonly config: Report["config"];
  /** True when no device disagrees (the exit status). */
  readonly agree: boolean;
  readonly counts: Record<Verdict, number>;
  /** dmesg: the global default domain type, predicted and booted (null when the log lacks it). */
  readonly defaultDomainType: { readonly predicted: string; readonly booted: string | null; readonly same: boolean } | null;
  /** Groups paired up to renumbering: booted N is predicted M. */
  readonly groups: readonly GroupPair[];
  readonly devices: readonly VerifyDevice[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Devices that exist at the end (the rest are not on a booted system). */
const exists = (d: ReportDevice) => d.state !== "not-created" && d.state !== "removed";

export function verifyReport(report: Report, booted: BootedGroups): Verification {
  const predicted = new Map<string, ReportDevice>();
  for (const d of report.devices) if (exists(d) && !predicted.has(d.name)) predicted.set(d.name, d);
  // The type sysfs would show for each predicted group (iommu_group_show_type: its default domain).
  const domainType = new Map(report.domains.map((d) => [d.id, d.type as string]));
  const groupType = new Map(report.groups.map((g) => [g.id, g.defaultDomain === null ? "unknown" : (domainType.get(g.defaultDomain) ?? "unknown")]));
  const known = (name: string) => predicted.has(name) && booted.devices.has(name);

  // Members per group on each side, restricted to devices both sides know.
  const predictedMembers = new Map<number, string[]>();
  const bootedMembers = new Map<string, string[]>();
  for (const [name, d] of predicted) if (d.group !== null && known(name)) push(predictedMembers, d.group, name);
  for (const [name, b] of booted.devices) if (b.group !== null && known(name)) push(bootedMembers, b.group, name);
  for (const list of predictedMembers.values()) list.sort(byName);
  for (const list of bootedMembers.values()) list.sort(byName);

  const predictedSide = (d: ReportDevice): VerifySide => ({
    group: d.group === null ? null : String(d.group),
    with: d.group === null ? [] : (predictedMembers.get(d.group) ?? []).filter((n) => n !== d.name),
    type: d.group === null ? null : (groupType.get(d.group) ?? null),
  });
  const bootedSide = (name: string): VerifySide => {
    const b = booted.devices.get(name)!;
    return { group: b.group, with: b.group === null ? [] : (bootedMembers.get(b.group) ?? []).filter((n) => n !== name), type: b.type };
  };

  const devices: VerifyDevice[] = [];
  const counts: Record<Verdict, number> = { agree: 0, disagree: 0, unlisted: 0, unmodelled: 0 };
  const add = (v: VerifyDevice) => {
    counts[v.verdict]++;
    devices.push(v);
  };
  // The target's order (sysfs listing or log), then predicted devices it does not list.
  for (const name of booted.devices.keys()) {
    const b = bootedSide(name);
    const d = predicted.get(name);
    if (!d) {
      if (b.group === null) add({ name, verdict: "unmodelled", predicted: null, booted: b, reasons: [] });
      else add({ name, verdict: "disagree", predicted: null, booted: b, reasons: ["in a group on the target; dtprobe does not model this device"] });
      continue;
    }
    const p = predictedSide(d);
    const reasons: string[] = [];
    if ((p.group === null) !== (b.group === null)) reasons.push(p.group === null ? "predicted without a group" : "no group on the target");
    else if (p.group !== null) {
      if (!sameSet(p.with, b.with)) reasons.push(`predicted ${mates(p.with)}, on the target ${mates(b.with)}`);
      if (b.type !== null && p.type !== b.type) reasons.push(`type ${p.type} predicted, ${b.type} on the target`);
    }
    add({ name, verdict: reasons.length === 0 ? "agree" : "disagree", predicted: p, booted: b, reasons });
  }
  for (const [name, d] of predicted) {
    if (booted.devices.has(name)) continue;
    const p = predictedSide(d);
    // A log names only the devices added to groups: absent there means no group.
    if (p.group === null) add({ name, verdict: "unlisted", predicted: p, booted: null, reasons: [] });
    else add({ name, verdict: "disagree", predicted: p, booted: null, reasons: [booted.source === "dmesg" ? "predicted in a group; the log never adds it to one" : "predicted in a group; not in the listing"] });
  }

  const defaultDomainType =
    booted.source === "dmesg"
      ? { predicted: report.config.defaultDomainType, booted: booted.defaultDomainType, same: booted.defaultDomainType === null || booted.defaultDomainType === report.config.defaultDomainType }
      : null;
  return {
    version: VERIFY_VERSION,
    tool: "dtprobe",
    command: "verify",
    input: report.config.input,
    source: booted.source,
    file: booted.file,
    config: report.config,
    agree: counts.disagree === 0 && (defaultDomainType?.same ?? true),
    counts,
    defaultDomainType,
    groups: pairGroups(predicted, bootedMembers, predictedMembers),
    devices,
  };
}

/**
 * Each booted group with the predicted groups of its members (one, with the same members, when
 * they agree), then the predicted groups none of whose members is in a booted group.
 */
function pairGroups(predicted: Map<string, ReportDevice>, bootedMembers: Map<string, string[]>, predictedMembers: Map<number, string[]>): GroupPair[] {
  const pairs: GroupPair[] = [];
  const paired = new Set<number>();
  for (const [group, members] of bootedMembers) {
    const ids = [...new Set(members.map((n) => predicted.get(n)!.group))];
    const numbers = ids.filter((g) => g !== null);
    for (const g of numbers) paired.add(g);
    const same = ids.length === 1 && numbers.length === 1 && sameSet(members, predictedMembers.get(numbers[0]!) ?? []);
    pairs.push({ booted: group, predicted: numbers, devices: members, same });
  }
  for (const [group, members] of predictedMembers) if (!paired.has(group)) pairs.push({ booted: null, predicted: [group], devices: members, same: false });
  return pairs;
}

function mates(names: readonly string[]): string {
  return names.length === 0 ? "alone" : `with ${names.join(", ")}`;
}

function push<K>(m: Map<K, string[]>, k: K, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
