// The table of kernel changes as markdown, for docs/kernel-model.md (between its
// `<!-- kernel-changes -->` markers; test/kernel/kernel-changes.test.ts keeps the two equal, and
// `npx tsx scripts/kernel-changes-doc.ts` rewrites the section).
import { KERNEL_CHANGES } from "./changes.ts";
import { versionLabel } from "./version.ts";

export const KERNEL_CHANGES_BEGIN = "<!-- kernel-changes:begin (generated from src/kernel/changes.ts) -->";
export const KERNEL_CHANGES_END = "<!-- kernel-changes:end -->";

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function renderKernelChanges(): string {
  const rows = KERNEL_CHANGES.map((c) => {
    const backports = "stable" in c ? ` (and ${c.stable.map((v) => `${versionLabel(v)}.y`).join(", ")})` : "";
    const release = `${versionLabel(c.since)}${"approximate" in c && c.approximate ? " ≈" : ""}${backports}`;
    const commit = c.commit ? `\`${c.commit}\`` : "—";
    return `| \`${c.flag}\` | ${release} | ${commit} | ${cell(c.title)} | ${cell(c.what)} |`;
  });
  return [KERNEL_CHANGES_BEGIN, "| Flag (`has.…`) | Since | Commit | Change | What the model does from then on |", "|---|---|---|---|---|", ...rows, KERNEL_CHANGES_END].join("\n");
}
