// A BoardDiff as text, like a short patch review: one block per changed device (`~`, with the
// fields that changed, old -> new), added (`+`) and removed (`-`) devices with their outcome,
// then IOMMU instances whose state or resources changed.
import { describeField, describeOutcome } from "../outcome/describe.ts";
import { OUTCOME_FIELDS } from "../outcome/device-outcome.ts";
import { alignRows } from "../views/align.ts";
import type { BoardDiff } from "./model.ts";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderDiffText(d: BoardDiff): string {
  const lines: string[] = [];
  lines.push(`dtprobe diff ${d.old.input ?? "OLD"} ${d.new.input ?? "NEW"}`);
  const c = d.new.config;
  lines.push(`kernel ${c.kernel} (${c.era} era), ${c.arch}, policy ${c.policy}${c.policySource === "kernel" ? " (kernel's)" : ""}`);
  for (const x of d.config) lines.push(`config ${x.field}: ${JSON.stringify(x.old)} -> ${JSON.stringify(x.new)}`);
  const n = d.counts;
  if (!d.changed) {
    lines.push(`No outcome changed (${plural(n.unchanged, "device")}).`);
    return lines.join("\n") + "\n";
  }
  lines.push(`${plural(n.changed, "device")} changed, ${n.added} added, ${n.removed} removed, ${n.unchanged} unchanged`);
  for (const dev of d.devices) {
    lines.push("");
    if (dev.change === "changed") {
      lines.push(`~ ${dev.name}`);
      const rows = dev.fields.map((f) => [f, `${describeField(f, dev.old!)} -> ${describeField(f, dev.new!)}`]);
      lines.push(...alignRows(rows, { indent: "    " }));
    } else {
      const o = dev.change === "added" ? dev.new! : dev.old!;
      lines.push(`${dev.change === "added" ? "+" : "-"} ${dev.name}`);
      lines.push(`    ${describeOutcome(o, OUTCOME_FIELDS)}`);
    }
  }
  if (d.iommus.length > 0) {
    lines.push("");
    lines.push("IOMMU instances:");
    for (const i of d.iommus) {
      if (i.change !== "changed") lines.push(`  ${i.change === "added" ? "+" : "-"} ${i.path}`);
      else lines.push(`  ~ ${i.path}: ${i.fields.map((f) => `${f.field} ${String(f.old)} -> ${String(f.new)}`).join(", ")}`);
    }
  }
  return lines.join("\n") + "\n";
}
