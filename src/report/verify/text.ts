// A Verification as text: the counts, the groups paired up to renumbering, one row per device
// (verdict, group number and type on each side), then why each disagreeing device disagrees.
import { alignRows } from "../views/align.ts";
import type { Verification, VerifySide } from "./match.ts";

/** Devices only one side knows are named up to this many (all of them are in the JSON). */
const MAX_NAMED = 8;

const side = (s: VerifySide | null) => (s === null ? "-" : s.group === null ? "none" : `${s.group} ${s.type ?? "?"}`);

export function renderVerificationText(v: Verification): string {
  const lines: string[] = [];
  const what = v.source === "sysfs" ? "IOMMU groups listed on the target" : "the target's kernel log";
  lines.push(`dtprobe verify ${v.input ?? ""} against ${v.file} (${what})`.replace("  ", " "));
  const c = v.config;
  lines.push(`kernel ${c.kernel} (${c.era} era), ${c.arch}, policy ${c.policy}${c.policySource === "kernel" ? " (kernel's)" : ""}, default domain type ${c.defaultDomainType}`);
  const n = v.counts;
  lines.push(`${n.agree} agree, ${n.disagree} disagree; ${n.unlisted} predicted without a group and not listed; ${n.unmodelled} listed without a group and not modelled`);
  if (v.defaultDomainType && v.defaultDomainType.booted !== null) {
    const t = v.defaultDomainType;
    lines.push(`default domain type: ${t.predicted} predicted, ${t.booted} on the target${t.same ? "" : " — DISAGREE"}`);
  }
  if (v.groups.length > 0) {
    lines.push("");
    lines.push("Groups (target = predicted, numbers differ with probe order):");
    const rows = v.groups.map((g) => [`  ${g.booted ?? "-"} = ${g.predicted.length > 0 ? g.predicted.join(",") : "-"}`, g.same ? "same" : "DIFFER", g.devices.join(", ")]);
    lines.push(...alignRows(rows));
  }
  lines.push("");
  const compared = v.devices.filter((d) => d.verdict === "agree" || d.verdict === "disagree");
  const rows = [["  device", "verdict", "predicted", "target"], ...compared.map((d) => [`  ${d.name}`, d.verdict, side(d.predicted), side(d.booted)])];
  lines.push(...alignRows(rows));
  // The devices only one side knows, without a group on that side: named, not tabulated.
  for (const [verdict, title] of [
    ["unlisted", "Predicted without a group, not listed on the target"],
    ["unmodelled", "Listed without a group, not modelled"],
  ] as const) {
    const names = v.devices.filter((d) => d.verdict === verdict).map((d) => d.name);
    if (names.length === 0) continue;
    const shown = names.slice(0, MAX_NAMED).join(", ");
    lines.push(`${title} (${names.length}): ${shown}${names.length > MAX_NAMED ? `, +${names.length - MAX_NAMED} more` : ""}`);
  }
  const bad = v.devices.filter((d) => d.verdict === "disagree");
  if (bad.length > 0) {
    lines.push("");
    lines.push(`Disagreements (${bad.length}):`);
    for (const d of bad) lines.push(`  ${d.name}: ${d.reasons.join("; ")}`);
  }
  lines.push("");
  lines.push(v.agree ? "Result: the prediction agrees with the target." : "Result: the prediction DISAGREES with the target.");
  return lines.join("\n") + "\n";
}
