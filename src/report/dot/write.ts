// Scene -> Graphviz DOT. Same report, same bytes: everything is emitted in report order (instances,
// domains and groups by id, devices in creation order) with ids derived from those positions.
// Element ids (`id=` on nodes and clusters) and classes are what the HTML page's script selects.
import { dotString, xmlText } from "./escape.ts";
import { deviceDetail, deviceLabel, deviceTooltip, domainTitle, groupTitle, idsText, instanceLabel, summaryLabel, tally, usageOf, usageText } from "./labels.ts";
import { legendRows } from "./legend.ts";
import { clusterBlock, column, GRAPH_SPACING, grid, nodeBlock, nodeSize, row, stack, type Block } from "./masonry.ts";
import { buildScene, type Scene, type SceneDomain, type SceneGroup, type SceneInstance, type SceneList, type SceneOptions, type SceneSummary } from "./scene.ts";
import { DOMAIN_LOOK, EXTRA_EDGE, FONT, GROUP_LOOK, INSTANCE_LOOK, LIST_LOOK, NOT_ATTACHED_LOOK, PCI_LOOK, STATE_LOOK } from "./style.ts";
import type { Report, ReportDevice } from "../types.ts";

export type DotOptions = SceneOptions;

/** The report as a DOT digraph (see docs/pictures.md). */
export function renderReportDot(report: Report, options: DotOptions = {}): string {
  return renderSceneDot(buildScene(report, options));
}

export function renderSceneDot(scene: Scene): string {
  const w = new SceneWriter(scene);
  return w.write();
}

const cluster = (id: string) => `cluster_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
const attr = (k: string, v: string) => `${k}=${v}`;

class SceneWriter {
  private readonly devices: readonly ReportDevice[];
  private readonly p: string;

  /** Per instance path: its groups, domains and grouped devices (one pass, not one per instance). */
  private readonly counts = new Map<string, { groups: number; domains: number; devices: number }>();

  constructor(private readonly scene: Scene) {
    this.devices = scene.report.devices;
    this.p = scene.prefix;
    const of = (path: string) => this.counts.get(path) ?? this.counts.set(path, { groups: 0, domains: 0, devices: 0 }).get(path)!;
    for (const g of scene.report.groups) {
      of(g.iommu).groups++;
      of(g.iommu).devices += g.devices.length;
    }
    for (const d of scene.report.domains) of(d.iommu).domains++;
  }

  write(): string {
    const s = this.scene;
    const blocks: Block[] = s.instances.map((i) => this.instance(i));
    for (const list of [s.pci, ...s.problems, s.noIommu]) if (list) blocks.push(this.list(list));
    const body = stack(blocks, 1.6, `${this.p}top`);
    const out = [
      `digraph ${dotString(`dtprobe ${s.report.config.input ?? ""}`.trim())} {`,
      `  graph [${[
        attr("id", dotString(`${this.p}graph`)),
        attr("rankdir", "TB"),
        attr("newrank", "true"),
        attr("fontname", dotString(FONT)),
        attr("fontsize", "10"),
        attr("nodesep", String(GRAPH_SPACING.nodesep)),
        attr("ranksep", String(GRAPH_SPACING.ranksep)),
        attr("pad", "0.2"),
        attr("labelloc", "t"),
        attr("labeljust", "l"),
        attr("label", this.title()),
      ].join(", ")}];`,
      `  node [shape=box, style="rounded,filled", fontname=${dotString(FONT)}, fontsize=10, margin="0.08,0.03", height=0.3, fillcolor="${STATE_LOOK.bound.fill}", color="${STATE_LOOK.bound.border}", fontcolor="${STATE_LOOK.bound.text}"];`,
      `  edge [arrowsize=0.6, color="#8391a2"];`,
      ...body.lines.map((l) => `  ${l}`),
      ...this.pciEdges().map((l) => `  ${l}`),
      ...this.extraEdges().map((l) => `  ${l}`),
      "}",
      "",
    ];
    return out.join("\n");
  }

  private title(): string {
    const r = this.scene.report;
    const c = r.config;
    const s = r.summary;
    const lines = [
      `<font point-size="14"><b>${xmlText(c.input ?? "device tree")}</b></font>`,
      xmlText(`kernel ${c.kernel} (${c.era} era) · ${c.arch} · policy ${c.policy}${c.policySource === "kernel" ? " (the kernel's own)" : " (--policy)"} · default domain ${c.defaultDomainType}${r.scenario ? ` · after scenario ${r.scenario.file}` : ""}`),
      xmlText(`${s.devices} devices · ${s.withIommu} behind an IOMMU · ${s.groups} groups · ${s.domains} domains · ${s.deferred} deferred · ${s.failed} failed`),
      ...c.hypothetical.map((h) => `<font color="#a3281b">${xmlText(`HYPOTHETICAL: ${h}`)}</font>`),
    ];
    const head = (this.scene.title ? lines : []).map((l) => `<tr><td align="left">${l}</td></tr>`).join("");
    return `<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">${head}<tr><td align="left" cellpadding="4">${legendRows(this.scene)}</td></tr></table>>`;
  }

  private device(i: number): Block {
    const d = this.devices[i]!;
    const id = `${this.p}d${i}`;
    const look = STATE_LOOK[d.state];
    const attrs = [attr("id", dotString(id)), attr("class", dotString(`dev st-${d.state}${d.errors.length > 0 ? " err" : ""}`)), attr("label", deviceLabel(d)), attr("tooltip", dotString(deviceTooltip(d)))];
    if (d.state !== "bound") attrs.push(attr("fillcolor", dotString(look.fill)), attr("color", dotString(look.border)), attr("fontcolor", dotString(look.text)));
    else if (d.errors.length > 0) attrs.push(attr("color", dotString(STATE_LOOK.failed.border)));
    if (look.line !== "solid") attrs.push(attr("style", dotString(`rounded,filled,${look.line}`)));
    if (d.errors.length > 0 || d.state === "failed") attrs.push(attr("penwidth", "1.6"));
    const lines = [d.name, ...deviceDetail(d).map((l) => l.replace(/<[^>]*>/g, ""))];
    return nodeBlock(id, `${id} [${attrs.join(", ")}];`, nodeSize(lines));
  }

  private summary(s: SceneSummary, title: string, extra: string[] = []): Block {
    const members = s.devices.map((i) => this.devices[i]!);
    const attrs = [
      attr("id", dotString(s.id)),
      attr("class", dotString("more")),
      attr("label", summaryLabel(title, members, extra)),
      attr("tooltip", dotString(`${title}: ${members.slice(0, 40).map((d) => d.name).join(", ")}${members.length > 40 ? ", …" : ""}`)),
      attr("fillcolor", dotString("#ffffff")),
      attr("color", dotString("#9aa3ad")),
      attr("style", dotString("rounded,filled,dashed")),
    ];
    return nodeBlock(s.id, `${s.id} [${attrs.join(", ")}];`, nodeSize([title, ...extra, "12 × something, 3 × other"]));
  }

  private moreText(s: SceneSummary): string {
    const parts = [`+${s.devices.length} more device${s.devices.length === 1 ? "" : "s"}`];
    if (s.groups > 0) parts.push(`in ${s.groups} group${s.groups === 1 ? "" : "s"}`);
    if (s.domains > 0) parts.push(`of ${s.domains} domain${s.domains === 1 ? "" : "s"}`);
    return parts.join(" ");
  }

  /** A "(no devices)" line that keeps an empty group or domain on the picture. */
  private empty(owner: string): Block {
    const id = `${owner}_empty`;
    return nodeBlock(id, `${id} [id="${id}", class="empty", label="(no devices)", shape=plaintext, style="", fontsize=9, fontcolor="#6b737c"];`, nodeSize(["(no devices)"]));
  }

  private group(g: SceneGroup, domainMerged: boolean): Block {
    const members = g.shown.map((i) => this.device(i));
    if (g.more) members.push(this.summary(g.more, this.moreText(g.more)));
    // A group whose devices all left it (rockchip's per-instance group before any master binds):
    // Graphviz would not draw an empty cluster at all.
    if (members.length === 0) members.push(this.empty(g.id));
    // A few ranks rather than one per member: every rank of dot spans the whole picture, so a
    // tall column here would open gaps in the clusters beside it.
    const inner = grid(members, members.length <= 2 ? 1 : Math.ceil(Math.sqrt(members.length)), `${g.id}_`);
    if (domainMerged) return inner;
    const title = groupTitle(g.group);
    const attrs = [attr("id", dotString(g.id)), attr("class", dotString("group")), attr("label", dotString(title)), `style="rounded,filled"`, `fillcolor="${GROUP_LOOK.fill}"`, `color="${GROUP_LOOK.border}"`, "fontsize=9", "labeljust=l", "margin=6"];
    return clusterBlock(cluster(g.id), attrs, inner, title.length);
  }

  private domain(d: SceneDomain): Block {
    const parts: Block[] = d.groups.map((g) => this.group(g, d.merged));
    for (const i of d.loose) parts.push(this.device(i));
    if (d.more) parts.push(this.summary(d.more, this.moreText(d.more)));
    if (parts.length === 0) parts.push(this.empty(d.id)); // a blocking domain nobody is attached to yet
    const inner = parts.length <= 3 ? row(parts) : stack(parts, 1.4, `${d.id}_`);
    const dom = d.domain;
    const foreign = dom === null && d.groups.length > 0 && d.groups.every((g) => g.group.domain !== null);
    const title = dom === null ? (foreign ? "on another instance's domain" : "no domain") : d.merged ? `${domainTitle(dom)} │ ${groupTitle(d.groups[0]!.group)}` : domainTitle(dom);
    const look = dom ? DOMAIN_LOOK[dom.type] : { fill: "#f7f7f7", border: "#9aa3ad" };
    const cls = `domain${dom ? ` dt-${dom.type}` : ""}${d.merged ? " group" : ""}`;
    const tip = dom ? `${title}\nowner ${dom.owner}${dom.aperture ? `\naperture ${dom.aperture.start}-${dom.aperture.end}` : ""}` : foreign ? "groups attached to a domain of another IOMMU instance" : "groups without a domain";
    const attrs = [attr("id", dotString(d.id)), attr("class", dotString(cls)), attr("label", dotString(title)), attr("tooltip", dotString(tip)), `style="rounded,filled${dom ? "" : ",dashed"}"`, `fillcolor="${look.fill}"`, `color="${look.border}"`, "fontsize=9", "labeljust=l", "margin=6"];
    return clusterBlock(cluster(d.id), attrs, inner, title.length);
  }

  private instance(i: SceneInstance): Block {
    const path = i.iommu.path;
    const counts = this.counts.get(path) ?? { groups: 0, domains: 0, devices: 0 };
    const header = `${i.headerId} [${[
      attr("id", dotString(i.headerId)),
      attr("class", dotString(`iommu st-${i.iommu.state}`)),
      attr("label", instanceLabel(i.iommu, counts)),
      attr("tooltip", dotString(`${path}\n${i.iommu.compatible.join(", ")}\nlimits: ${Object.entries(i.iommu.limits).map(([k, v]) => `${k}=${String(v.value)}${v.source === "default" ? "*" : v.source === "hw" ? "(hw)" : ""}`).join(" ")}\nused: ${usageOf(i.iommu).map(usageText).join(", ") || "nothing"}`)),
      attr("fillcolor", dotString("#e3e9f1")),
      attr("color", dotString(i.iommu.state === "registered" ? INSTANCE_LOOK.border : INSTANCE_LOOK.failedBorder)),
    ].join(", ")}];`;
    const headerLines = [i.iommu.name ?? path, [i.iommu.driver, i.iommu.model].join(" · "), `used ${usageOf(i.iommu).map(usageText).join(" · ")}`, "x"];
    const parts: Block[] = i.domains.map((d) => this.domain(d));
    if (i.more) parts.push(this.summary(i.more, this.moreText(i.more)));
    if (i.notAttached) parts.push(this.list(i.notAttached));
    const body = stack(parts, 1.3, `${i.id}_`);
    const head = nodeBlock(i.headerId, header, nodeSize(headerLines));
    const inner = column(body.lines.length > 0 ? [head, body] : [head], `${i.id}_c`);
    const failed = i.iommu.state !== "registered";
    const attrs = [attr("id", dotString(i.id)), attr("class", dotString("instance")), `label=""`, `style="rounded,filled${failed ? ",dashed" : ""}"`, `fillcolor="${INSTANCE_LOOK.fill}"`, `color="${failed ? INSTANCE_LOOK.failedBorder : INSTANCE_LOOK.border}"`, "penwidth=1.4", "margin=8"];
    return clusterBlock(cluster(i.id), attrs, inner, 0);
  }

  private list(l: SceneList): Block {
    const parts: Block[] = l.shown.map((i) => this.device(i));
    const members = [...l.shown, ...(l.more?.devices ?? [])].map((i) => this.devices[i]!);
    if (l.more && l.kind === "no-iommu") {
      // One node, no cluster around it: the summary says what the box would.
      return this.summary(l.more, `${l.more.devices.length} devices without an IOMMU group`, [tally(members, (d) => d.bus), tally(members, (d) => (d.state === "bound" ? "bound" : d.state))]);
    }
    if (l.more) parts.push(this.summary(l.more, this.moreText(l.more)));
    const inner = stack(parts, 1.2, `${l.id}_`);
    const title = `${l.title} (${members.length})`;
    const look = l.kind === "not-attached" || l.kind === "failed" || l.kind === "errors" ? NOT_ATTACHED_LOOK : l.kind === "pci" ? { fill: PCI_LOOK.fill, border: PCI_LOOK.border } : LIST_LOOK;
    const attrs = [attr("id", dotString(l.id)), attr("class", dotString(`list list-${l.kind}`)), attr("label", dotString(title)), `style="rounded,filled,dashed"`, `fillcolor="${look.fill}"`, `color="${look.border}"`, "fontsize=9", "labeljust=l", "margin=6"];
    return clusterBlock(cluster(l.id), attrs, inner, title.length);
  }

  /** Bridge -> function edges between drawn elements, each pair once. */
  private pciEdges(): string[] {
    const s = this.scene;
    const index = new Map(this.devices.map((d, i) => [d.name, i] as const));
    const inPciList = new Set(s.pci?.shown.map((i) => `${this.p}d${i}`) ?? []);
    const seen = new Set<string>();
    const out: string[] = [];
    for (const [child, parent] of s.pciTree.parent) {
      const ci = index.get(child);
      const pi = index.get(parent);
      if (ci === undefined || pi === undefined) continue;
      const to = s.element[ci];
      const from = s.element[pi];
      if (!to || !from || to === from || seen.has(`${from} ${to}`)) continue;
      seen.add(`${from} ${to}`);
      const constraint = inPciList.has(from) && inPciList.has(to) ? "" : ", constraint=false";
      out.push(`${from} -> ${to} [class="pci", color="${PCI_LOOK.edge}", penwidth=1.2${constraint}];`);
    }
    return out;
  }

  /** Dashed edges from a device to the further instances of its fwspec (a second DART...). */
  private extraEdges(): string[] {
    const out: string[] = [];
    for (const inst of this.scene.instances) {
      for (const i of inst.alsoFor.slice(0, 16)) {
        const from = this.scene.element[i];
        if (from) out.push(`${from} -> ${inst.headerId} [class="extra", style=dashed, color="${EXTRA_EDGE}", constraint=false, tooltip=${dotString(`${this.devices[i]!.name} [${idsText(this.devices[i]!)}] also on ${inst.iommu.name ?? inst.iommu.path}`)}];`);
      }
    }
    return out;
  }
}
