// A Comparison as text: the configuration of each column, per IOMMU instance and for the whole
// board one row per figure with a column per run, then the devices whose outcome differs, one
// line per column (a column with the same outcome as an earlier one says so).
import { describeOutcome } from "../outcome/describe.ts";
import { changedFields, OUTCOME_FIELDS, type OutcomeField } from "../outcome/device-outcome.ts";
import { alignRows } from "../views/align.ts";
import type { Comparison, DeviceCounts, ErrorCount } from "./model.ts";

type Entry = { readonly heading: string } | { readonly cells: readonly string[] };

const AXIS_OPTION: Record<Comparison["axis"], string> = { policy: "--policy", kernel: "--kernel", bootargs: "--bootargs" };

/** Rows shared by instances and the board: DMA ops, failed/deferred and one row per error kind. */
function countRows(columns: readonly (DeviceCounts | null)[], entries: Entry[], indent: string): void {
  const cell = (f: (c: DeviceCounts) => string) => columns.map((c) => (c === null ? "-" : f(c)));
  entries.push({ cells: [`${indent}DMA ops iommu/direct`, ...cell((c) => `${c.dmaOps.iommu}/${c.dmaOps.direct}`)] });
  entries.push({ cells: [`${indent}failed/deferred`, ...cell((c) => `${c.failed}/${c.deferred}`)] });
  const kinds = new Map<string, ErrorCount>();
  for (const c of columns) for (const e of c?.errors ?? []) kinds.set(`${e.errno} in ${e.where}`, e);
  for (const key of kinds.keys()) {
    entries.push({ cells: [`${indent}${key}`, ...cell((c) => String(c.errors.find((e) => `${e.errno} in ${e.where}` === key)?.devices ?? 0))] });
  }
}

export function renderComparisonText(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`dtprobe compare${c.input ? ` for ${c.input}` : ""}: ${c.columns.length} runs, ${AXIS_OPTION[c.axis]} ${c.columns.map((x) => x.label).join(",")}`);
  const entries: Entry[] = [];
  entries.push({ cells: ["", ...c.columns.map((x) => x.label)] });
  const config = (label: string, f: (x: Comparison["columns"][number]) => string, always: boolean) => {
    const cells = c.columns.map(f);
    if (always || cells.some((v) => v !== cells[0])) entries.push({ cells: [label, ...cells] });
  };
  config("kernel", (x) => `${x.config.kernel} (${x.config.era} era)`, true);
  config("architecture", (x) => x.config.arch, false);
  config("policy", (x) => `${x.config.policy}${x.config.policySource === "kernel" ? " (kernel's)" : ""}`, true);
  config("hypothetical", (x) => (x.config.hypothetical.length > 0 ? "yes" : "no"), false);
  config("bootargs", (x) => JSON.stringify(x.config.bootargs), c.axis === "bootargs");
  config("default domain type", (x) => x.config.defaultDomainType, true);

  for (const i of c.instances) {
    const what = [i.driver ?? "unknown driver", i.model].filter((x) => x).join(", ");
    entries.push({ heading: `IOMMU ${i.path}${i.name ? ` (${i.name})` : ""}: ${what}` });
    const cell = (f: (x: NonNullable<(typeof i.columns)[number]>) => string) => i.columns.map((x) => (x === null ? "-" : f(x)));
    const states = cell((x) => x.state);
    if (states.some((s) => s !== "registered")) entries.push({ cells: ["  state", ...states] });
    entries.push({ cells: ["  domains", ...cell((x) => String(x.domains))] });
    const resources = new Set<string>();
    for (const x of i.columns) for (const r of x?.resources ?? []) resources.add(r.name);
    for (const name of resources) {
      entries.push({
        cells: [
          `  ${name} used/limit`,
          ...cell((x) => {
            const r = x.resources.find((y) => y.name === name);
            if (!r) return "-";
            return r.limit === null ? String(r.used) : `${r.used}/${r.limit}${x.full.includes(name) ? " full" : ""}`;
          }),
        ],
      });
    }
    entries.push({ cells: ["  groups", ...cell((x) => String(x.groups))] });
    entries.push({ cells: ["  devices", ...cell((x) => String(x.devices))] });
    countRows(i.columns, entries, "  ");
  }

  entries.push({ heading: "Board" });
  entries.push({ cells: ["  devices", ...c.board.map((b) => String(b.devices))] });
  entries.push({ cells: ["  behind an IOMMU", ...c.board.map((b) => String(b.withIommu))] });
  entries.push({ cells: ["  groups", ...c.board.map((b) => String(b.groups))] });
  entries.push({ cells: ["  domains", ...c.board.map((b) => String(b.domains))] });
  countRows(c.board, entries, "  ");

  const aligned = alignRows(entries.flatMap((e) => ("cells" in e ? [e.cells] : [])));
  let k = 0;
  for (const e of entries) {
    if ("heading" in e) {
      lines.push("");
      lines.push(e.heading);
    } else lines.push(aligned[k++]!);
  }

  lines.push("");
  if (c.devices.length === 0) lines.push(`Every device has the same outcome in every column (${c.unchanged}).`);
  else lines.push(`Devices whose outcome differs (${c.devices.length}; ${c.unchanged} the same in every column):`);
  const labelWidth = Math.max(...c.columns.map((x) => x.label.length));
  for (const d of c.devices) {
    lines.push(`  ${d.name}`);
    // The fields that differ between some two columns, in the usual order.
    const differing = new Set<OutcomeField>();
    const present = d.columns.filter((o) => o !== null);
    for (const a of present) for (const b of present) for (const f of changedFields(a, b)) differing.add(f);
    const fields = OUTCOME_FIELDS.filter((f) => differing.has(f));
    const texts: string[] = [];
    d.columns.forEach((o, k) => {
      const text = o === null ? "(no such device)" : describeOutcome(o, fields.length > 0 ? fields : ["state"]);
      const earlier = texts.indexOf(text);
      texts.push(text);
      lines.push(`    ${c.columns[k]!.label.padEnd(labelWidth)}  ${earlier >= 0 ? `same as ${c.columns[earlier]!.label}` : text}`);
    });
  }
  return lines.join("\n") + "\n";
}
