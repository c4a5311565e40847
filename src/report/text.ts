// Report -> human text: per IOMMU instance its domains, groups and devices and the resources used
// of the limit; then devices without an IOMMU, deferred and failed ones; then the kernel log in
// dmesg style. Deterministic: everything is ordered by ids, names or event sequence.
import type { EventLog } from "../probe/index.ts";
import { summaryLine } from "./summary.ts";
import { EVENT_LOG, type Report, type ReportDevice, type ReportIommu } from "./types.ts";

const LIMIT_FOR_USED: Record<string, string> = { contextBanks: "contextBanks", smrs: "smrs", asids: "asids", contexts: "contexts" };

function usedText(i: ReportIommu): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(i.used)) {
    const limitKey = LIMIT_FOR_USED[k];
    let limit = limitKey ? i.limits[limitKey]?.value : undefined;
    if (k === "asids" && limit === undefined && typeof i.limits["asidBits"]?.value === "number") limit = 2 ** (i.limits["asidBits"].value as number) - 1;
    parts.push(limit !== undefined ? `${k} ${v}/${limit}` : `${k} ${v}`);
  }
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

/** "9 stream-match registers", "16-bit stream IDs". */
function needText(limit: string, n: number): string {
  const what = NEED_WORDS[limit];
  if (!what) return `${limit}=${n}`;
  return what.startsWith("-") ? `${n}${what}` : `${n} ${what}`;
}
const NEED_WORDS: Record<string, string> = { smrs: "stream-match registers", contextBanks: "context banks", streamIdBits: "-bit stream IDs", smrMaskBits: "-bit SMR masks" };

function spec(d: ReportDevice): string {
  // Zero-cell bindings (rockchip, exynos: #iommu-cells = <0>) carry no IDs to show. Plain loops:
  // this runs once per listed device (200,000 on generated boards).
  const specs = d.specifiers;
  let text = "";
  let cells = 0;
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    if (i > 0) text += ", ";
    for (let j = 0; j < s.length; j++) text += (j > 0 ? " 0x" : "0x") + s[j]!.toString(16);
    cells += s.length;
  }
  return cells === 0 ? "" : ` [${text}]`;
}

/** Which drivers the run used: the driver table and configuration, or the assumption. */
function driversLine(k: Report["config"]["kernelData"]): string {
  if (k.source === "assumed") return `drivers: assumed, shown "(assumed)?" — ${k.assumed ?? ""}`;
  const c = k.configuration;
  const config = c ? `${c.name === "kconfig" ? "--kconfig" : `${c.name} config`} ${c.file}${c.package ? ` (${c.package} ${c.packageVersion ?? ""})` : ""}` : "no configuration (every driver counts as built in)";
  return `drivers: ${k.source === "kernel-src" ? "kernel tree" : "table"} ${k.version} from ${k.from ?? "?"}, ${config}`;
}

/** The report as text (see docs/report.md "Text form"). */
export function renderReportText(report: Report): string {
  return renderReportTextChunks(report).join("");
}

/** The text as a list of chunks of whole lines (see reportTextChunks). */
export function renderReportTextChunks(report: Report): string[] {
  return [...reportTextChunks(report)];
}

/**
 * The text in chunks of a few thousand lines, each ending in a newline, handed out as they are
 * made: a 200,000-device report is ~46 MB, and the CLI writes each chunk before the next exists.
 * Joined whole it would also become one two-byte string (the "—" in an IOMMU heading widens all
 * of it) built by flattening a million small strings at once; chunks stay one-byte where they can.
 */
export function* reportTextChunks(report: Report): Generator<string> {
  const out = new LineChunks();
  const c = report.config;
  out.push(`dtprobe report v${report.version}${c.input ? ` for ${c.input}` : ""}`);
  out.push(`kernel ${c.kernel} (${c.era} era), ${c.arch} (${c.archSource}), policy ${c.policy}${c.policySource === "kernel" ? " (this kernel's own on " + c.arch + ")" : ""}, default domain type ${c.defaultDomainType}`);
  for (const h of c.hypothetical) out.push(`HYPOTHETICAL: ${h}`);
  out.push(`bootargs (${c.bootargsSource}): ${JSON.stringify(c.bootargs)}`);
  out.push(driversLine(c.kernelData));
  if (c.kernelData.note) out.push(`  note: ${c.kernelData.note}`);
  out.push(summaryLine(report.summary));
  // Indexes so that the rendering stays linear with hundreds of thousands of groups, built in
  // one pass over the devices (each pass over 200,000 report objects costs tens of ms).
  const domainsOf = groupBy(report.domains, (d) => d.iommu);
  const domainById = new Map(report.domains.map((d) => [d.id, d]));
  const groupsOf = groupBy(report.groups, (g) => g.iommu);
  const groupsOnDomain = groupBy(report.groups, (g) => g.domain);
  const byName = new Map<string, ReportDevice>();
  const unattached = new Map<string, ReportDevice[]>();
  const alsoOn = new Map<string, ReportDevice[]>();
  const noIommu: ReportDevice[] = [];
  const inState = new Map<string, ReportDevice[]>();
  const withNotes: ReportDevice[] = [];
  for (const d of report.devices) {
    byName.set(d.name, d);
    const exists = d.state !== "not-created" && d.state !== "removed";
    if (d.group === null && exists) {
      noIommu.push(d);
      if (d.wantedIommu !== null) addTo(unattached, d.wantedIommu, d);
    }
    for (const p of d.extraIommus) addTo(alsoOn, p, d);
    addTo(inState, d.state, d);
    if (d.notes.length > 0) withNotes.push(d);
  }
  const members = (g: { devices: string[] }) => {
    if (g.devices.length === 0) return "(no devices)";
    let text = "";
    for (let k = 0; k < g.devices.length; k++) text += (k > 0 ? ", " : "") + g.devices[k]! + spec(byName.get(g.devices[k]!)!);
    return text;
  };
  // A grouped device can still fail later (its arm32 mapping, an attach, use_default_domain):
  // say so under its group, not only in the notes.
  const failures = (g: { devices: string[] }, indent: string) => {
    for (const n of g.devices) {
      const d = byName.get(n)!;
      for (const e of d.errors) out.push(`${indent}! ${n}: ${e.errno} in ${e.where}: ${e.message}`);
    }
  };
  for (const i of report.iommus) {
    out.push("");
    out.push(`IOMMU ${i.path}${i.name ? ` (${i.name})` : ""}: ${i.driver ?? "unknown driver"}${i.model ? `, ${i.model}` : ""} — ${i.state}${i.message ? ` (${i.message})` : ""}`);
    const lim = Object.entries(i.limits).map(([k, v]) => `${k}=${String(v.value)}${v.source === "default" ? "*" : v.source === "hw" ? "(hw)" : ""}`);
    if (lim.length > 0) out.push(`  limits: ${lim.join(" ")}   (* = documented default)`);
    out.push(`  used: ${usedText(i)}`);
    for (const [k, n] of Object.entries(i.needs)) out.push(`  needs ${needText(k, n)}, more than the documented default ${k}=${String(i.limits[k]?.value)}* assumed (the driver reads it from the hardware; attached as if present: set it with --hw)`);
    const mine = new Set((domainsOf.get(i.path) ?? []).map((d) => d.id));
    for (const d of domainsOf.get(i.path) ?? []) {
      const res = d.asid !== null ? ` asid ${d.asid}` : d.context !== null ? ` context ${d.context}` : "";
      const ap = d.aperture ? ` aperture ${d.aperture.start}-${d.aperture.end}` : "";
      out.push(`  domain ${d.id}: ${d.type} (${d.owner})${res}${ap}`);
      const gs = (groupsOnDomain.get(d.id) ?? []).filter((g) => g.iommu === i.path);
      const inGroups = new Set<string>();
      for (const g of gs) {
        out.push(`    group ${g.id}${g.name ? ` "${g.name}"` : ""}: ${members(g)}`);
        failures(g, "      ");
        for (const n of g.devices) inGroups.add(n);
      }
      for (const n of d.devices) if (!inGroups.has(n)) out.push(`    device ${n}${spec(byName.get(n)!)}`);
      if (out.ready) yield* out.take();
    }
    for (const g of groupsOf.get(i.path) ?? []) {
      if (g.domain !== null && mine.has(g.domain)) continue;
      // A domain of another instance (a driver attached the group to a domain it allocated there).
      const other = g.domain === null ? undefined : domainById.get(g.domain);
      const on = other ? `on domain ${g.domain} of ${other.iommu}` : "no domain";
      out.push(`  group ${g.id}${g.name ? ` "${g.name}"` : ""} (${on}): ${members(g)}`);
      failures(g, "    ");
      if (out.ready) yield* out.take();
    }
    for (const d of alsoOn.get(i.path) ?? []) {
      out.push(`  also translates for: ${d.name}${spec(d)} (group ${d.group ?? "none"} on ${d.iommu}; the fwspec's first IOMMU holds it)`);
    }
    for (const d of unattached.get(i.path) ?? []) {
      const why =
        d.errors.length > 0
          ? d.errors.map((e) => `${e.errno} in ${e.where}: ${e.message}${e.assumedLimit ? ` — limited by an assumed default (${e.assumedLimit}=${String(i.limits[e.assumedLimit]?.value)}*; the real hardware may have more: set it with --hw)` : ""}`).join("; ")
          : (d.reason ?? d.state);
      out.push(`  not attached: ${d.name}${spec(d)}: ${why}`);
    }
    yield* out.take();
  }
  out.push("");
  out.push(`Devices without an IOMMU group (${noIommu.length}):`);
  for (const d of noIommu) {
    const why = d.errors.length > 0 ? ` — ${d.errors[0]!.errno} (${d.errors[0]!.where})` : "";
    out.push(`  ${d.name} [${d.bus}, ${d.driver ?? "no driver"}${d.driverAssumed ? "?" : ""}${d.driverModule ? " (module)" : ""}, ${d.dmaOps}${d.coherent ? ", coherent" : ""}]${why}`);
    if (out.ready) yield* out.take();
  }
  for (const [title, state] of [
    ["No driver", "no-driver"],
    ["Deferred", "deferred"],
    ["Failed", "failed"],
    ["Not created", "not-created"],
    ["Unbound", "unbound"],
    ["Removed", "removed"],
  ] as const) {
    const list = inState.get(state);
    if (!list) continue;
    out.push("");
    out.push(`${title} (${list.length}):`);
    for (const d of list) out.push(`  ${d.name}: ${d.reason ?? ""}`);
    yield* out.take();
  }
  if (withNotes.length > 0) {
    out.push("");
    out.push("Notes:");
    for (const d of withNotes) for (const n of d.notes) out.push(`  ${d.name}: ${n}`);
  }
  if (report.scenario) {
    out.push("");
    out.push(`Scenario ${report.scenario.file}:`);
    for (const st of report.scenario.steps) out.push(`  step ${st.step} (line ${st.line}) ${st.op} ${st.target}: ${st.result}${st.where ? ` in ${st.where}` : ""} — ${st.message}`);
  }
  out.push("");
  out.push("Kernel log:");
  // A freshly built report carries the probe's column-wise log: read it without materialising
  // a million event objects; a report read back from JSON has only `events`.
  const log = (report as { [EVENT_LOG]?: EventLog })[EVENT_LOG];
  const n = log ? log.length : report.events.length;
  for (let i = 0; i < n; i++) {
    const kind = log ? log.kindAt(i) : report.events[i]!.kind;
    const level = log ? log.levelAt(i) : report.events[i]!.level;
    const device = log ? log.device[i]! : report.events[i]!.device;
    const prefix = log ? log.prefix[i]! : report.events[i]!.prefix;
    if ((kind !== "log" || level === "debug") && !(kind === "note" && device === null && prefix !== "")) continue;
    const stage = log ? log.stageAt(i) : report.events[i]!.stage;
    const message = log ? log.message[i]! : report.events[i]!.message;
    const who = device ? `${prefix} ${device}: ` : prefix ? `${prefix}: ` : "";
    out.push(`  [${stage}] ${who}${message}`);
    if (out.ready) yield* out.take();
  }
  // Diagnostics are not repeated here: the command prints them once, on standard error (with the
  // source line and a caret), the summary line counts the warnings, and JSON keeps them all.
  yield* out.finish();
}

const LINES_PER_CHUNK = 4096;

class LineChunks {
  private lines: string[] = [];
  private chunks: string[] = [];

  /** Whole chunks are waiting to be taken. */
  get ready(): boolean {
    return this.chunks.length > 0;
  }

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length === LINES_PER_CHUNK) this.flush();
  }

  /** The whole chunks made so far (the lines of an unfinished chunk stay). */
  take(): string[] {
    const done = this.chunks;
    this.chunks = [];
    return done;
  }

  finish(): string[] {
    if (this.lines.length > 0) this.flush();
    return this.take();
  }

  private flush(): void {
    this.lines.push(""); // the chunk's last newline, without a cons string
    this.chunks.push(this.lines.join("\n"));
    this.lines = [];
  }
}

function addTo<K, T>(m: Map<K, T[]>, k: K, t: T): void {
  const list = m.get(k);
  if (list) list.push(t);
  else m.set(k, [t]);
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const t of items) addTo(m, key(t), t);
  return m;
}
