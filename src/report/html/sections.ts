// The page's plain-HTML parts for one report: the heading with the counts, what failed and the
// model's notes, the kernel log, the options the run was made with and the load diagnostics.
// Device names are links the script turns into a selection (data-dev = device index).
import { xmlText as h } from "../dot/escape.ts";
import { usageOf, usageText } from "../dot/labels.ts";
import type { Report } from "../types.ts";

const devLink = (i: number, name: string) => `<a href="#" class="devlink" data-dev="${i}">${h(name)}</a>`;

export function headingHtml(r: Report, label: string | null): string {
  const c = r.config;
  const s = r.summary;
  const chip = (n: number, word: string, cls = "") => `<span class="chip${n > 0 && cls ? ` ${cls}` : ""}"><b>${n}</b> ${word}</span>`;
  return [
    `<div class="head">`,
    label !== null ? `<div class="label">${h(label)}</div>` : "",
    `<h1>${h(c.input ?? "device tree")}</h1>`,
    `<div class="config">kernel <b>${h(c.kernel)}</b> (${h(c.era)} era) · <b>${h(c.arch)}</b> · policy <b>${h(c.policy)}</b>${c.policySource === "kernel" ? " (the kernel's own)" : " (--policy)"} · default domain <b>${h(c.defaultDomainType)}</b>${r.scenario ? ` · after scenario <b>${h(r.scenario.file)}</b>` : ""}</div>`,
    `<div class="chips">${chip(s.devices, "devices")}${chip(s.withIommu, "behind an IOMMU")}${chip(s.groups, "groups")}${chip(s.domains, "domains")}${chip(s.failed, "failed", "bad")}${chip(s.deferred, "deferred", "warn")}${chip(s.errors, "errors", "bad")}</div>`,
    ...c.hypothetical.map((x) => `<div class="hypo">HYPOTHETICAL: ${h(x)}</div>`),
    `</div>`,
  ].join("");
}

/** Items of one kind listed in full up to this many; the rest are one link to the table. */
const PER_KIND = 8;
/** Notes listed at most (each device's notes are also in its details panel). */
const NOTES_MAX = 400;

const filterLink = (filter: string, n: number) => `<li class="more"><a href="#" class="filterlink" data-filter="${h(filter)}">all ${n.toLocaleString("en")} in the table</a></li>`;

/**
 * Instances that did not register, device errors grouped by errno and kernel function (a board
 * where 12,000 devices hit the same limit gets one heading, a few examples and a link to the
 * table, not 12,000 lines), bad states, failed scenario steps, then the model's notes.
 */
export function problemsHtml(r: Report): { html: string; count: number } {
  const items: string[] = [];
  for (const i of r.iommus) {
    if (i.state !== "registered") items.push(`<li class="bad"><b>IOMMU ${h(i.name ?? i.path)}</b> ${h(i.state)}${i.message ? `: ${h(i.message)}` : ""}</li>`);
  }
  const kinds = new Map<string, { cls: string; title: string; filter: string; lines: string[] }>();
  const add = (key: string, cls: string, title: string, filter: string, line: string) => {
    let k = kinds.get(key);
    if (!k) kinds.set(key, (k = { cls, title, filter, lines: [] }));
    k.lines.push(line);
  };
  let count = items.length;
  r.devices.forEach((d, i) => {
    for (const e of d.errors) {
      add(`e ${e.errno} ${e.where}`, "bad", `<code>${h(e.errno)}</code> in <code>${h(e.where)}</code>`, `${e.errno} ${e.where}`, `${devLink(i, d.name)}: ${h(e.message)}${e.assumedLimit ? ` <span class="assumed">(only from the assumed default ${h(e.assumedLimit)}; give the real value with --hw)</span>` : ""}`);
      count++;
    }
    if (d.errors.length === 0 && (d.state === "failed" || d.state === "deferred" || d.state === "unbound" || d.state === "removed" || d.state === "not-created")) {
      add(`s ${d.state}`, d.state === "failed" ? "bad" : "warn", h(d.state), d.state, `${devLink(i, d.name)}${d.reason ? `: ${h(d.reason)}` : ""}`);
      count++;
    }
  });
  for (const k of kinds.values()) {
    const n = k.lines.length;
    const shown = k.lines.slice(0, n > PER_KIND ? PER_KIND - 1 : n).map((l) => `<li>${l}</li>`);
    if (n > shown.length) shown.push(filterLink(k.filter, n));
    items.push(`<li class="${k.cls}">${k.title} — ${n.toLocaleString("en")} device${n === 1 ? "" : "s"}<ul>${shown.join("")}</ul></li>`);
  }
  for (const st of r.scenario?.steps ?? []) {
    if (st.result === "ok") continue;
    items.push(`<li class="bad">scenario step ${st.step} (line ${st.line}) <code>${h(st.op)} ${h(st.target)}</code>: ${h(st.result)}${st.where ? ` in <code>${h(st.where)}</code>` : ""} — ${h(st.message)}</li>`);
    count++;
  }
  const notes: string[] = [];
  let noteCount = 0;
  r.devices.forEach((d, i) => {
    for (const n of d.notes) if (noteCount++ < NOTES_MAX) notes.push(`<li>${devLink(i, d.name)}: ${h(n)}</li>`);
  });
  if (noteCount > NOTES_MAX) notes.push(`<li class="more">${(noteCount - NOTES_MAX).toLocaleString("en")} more: each device's notes are in its details (click it)</li>`);
  const html = [
    items.length > 0 ? `<ul class="problems">${items.join("")}</ul>` : `<p class="none">No errors: every device that asked for an IOMMU got one.</p>`,
    noteCount > 0 ? `<h3>Notes (${noteCount.toLocaleString("en")})</h3><ul class="notes">${notes.join("")}</ul>` : "",
  ].join("");
  return { html, count };
}

/** The kernel log as dmesg prints it (debug lines left out, as in the text report). */
export function kernelLogHtml(r: Report): { html: string; count: number } {
  const lines: string[] = [];
  for (const e of r.events) {
    if ((e.kind !== "log" || e.level === "debug") && !(e.kind === "note" && e.device === null && e.prefix !== "")) continue;
    const who = e.device ? `${e.prefix} ${e.device}: ` : e.prefix ? `${e.prefix}: ` : "";
    lines.push(`<span class="lv-${e.level}"><span class="stage">[${h(e.stage)}]</span> ${h(who + e.message)}</span>`);
  }
  return { html: `<pre class="log">${lines.join("\n")}</pre>`, count: lines.length };
}

export function optionsHtml(r: Report, command: string | null, generator: string | null): string {
  const c = r.config;
  const row = (k: string, v: string) => `<tr><th>${h(k)}</th><td>${v}</td></tr>`;
  const limits = r.iommus.map((i) => {
    const lim = Object.entries(i.limits).map(([k, v]) => `${k}=${String(v.value)}${v.source === "default" ? "*" : v.source === "hw" ? " (hw)" : ""}`);
    return `${h(i.name ?? i.path)}: ${h(lim.join(" ") || "none")}; used ${h(usageOf(i).map(usageText).join(", ") || "nothing")}`;
  });
  return [
    `<table class="opts">`,
    command !== null ? row("command", `<code>${h(command)}</code>`) : "",
    row("input", h(c.input ?? "(none)")),
    row("kernel", `${h(c.kernel)} (${h(c.era)} era)`),
    row("architecture", `${h(c.arch)} — ${h(c.archSource)}`),
    row("policy", `${h(c.policy)} — ${c.policySource === "kernel" ? "what this kernel does on this architecture" : "given with --policy"}`),
    row("bootargs", `<code>${h(JSON.stringify(c.bootargs))}</code> (${h(c.bootargsSource)})`),
    row("default domain type", h(c.defaultDomainType)),
    c.hypothetical.length > 0 ? row("hypothetical", c.hypothetical.map(h).join("<br>")) : "",
    r.scenario ? row("scenario", h(r.scenario.file)) : "",
    row("IOMMU limits", limits.join("<br>") + (limits.length > 0 ? `<br><span class="muted">* = documented default</span>` : "")),
    generator !== null ? row("made with", h(generator)) : "",
    `</table>`,
  ].join("");
}

export function diagnosticsHtml(r: Report): { html: string; count: number } {
  const items = r.diagnostics.map((d) => `<li class="${d.severity === "error" ? "bad" : "warn"}"><code>${h(`${d.file ?? "-"}:${d.line ?? 0}:${d.column ?? 0}`)}</code> ${h(d.severity)}: ${h(d.message)} <span class="muted">[${h(d.code)}]</span></li>`);
  return { html: items.length > 0 ? `<ul class="diags">${items.join("")}</ul>` : `<p class="none">None.</p>`, count: items.length };
}
