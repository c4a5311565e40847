// The page's stylesheet, inlined (no external font or file). System fonts only; the picture's
// text uses a Helvetica-metric face so it fits the boxes Graphviz measured for Helvetica.
import { DOMAIN_LOOK, STATE_LOOK } from "../dot/style.ts";

const HL = "#f08a00";

const stateRules = Object.entries(STATE_LOOK)
  .filter(([s]) => s !== "bound")
  .map(([s, look]) => `tr.st-${s} td.c-state{color:${look.text};background:${look.fill}}`)
  .join("\n");

const domainRules = Object.entries(DOMAIN_LOOK)
  .map(([t, look]) => `td.dt-${t}{background:${look.fill}}`)
  .join("\n");

export const PAGE_CSS = `
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI","Liberation Sans",Arial,sans-serif;color:#1d2733;background:#eef1f5}
a{color:#1f5fa8}
code{font:12px/1.3 "DejaVu Sans Mono","Liberation Mono",Menlo,monospace}
.cols{display:grid;grid-template-columns:repeat(var(--cols),minmax(0,1fr));gap:10px;padding:10px}
.col{min-width:0;display:flex;flex-direction:column;gap:8px}
.card{background:#fff;border:1px solid #d5dbe3;border-radius:8px}
.head{padding:8px 12px}
.head .label{display:inline-block;font-weight:700;color:#fff;background:#34495e;border-radius:4px;padding:1px 8px;margin-bottom:4px}
.head h1{font-size:17px;margin:0 0 2px;word-break:break-all}
.config{color:#4d5660}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.chip{background:#eef2f7;border-radius:10px;padding:1px 9px;color:#3a4654}
.chip.bad{background:#fde4e1;color:#7b1d12}
.chip.warn{background:#fff3cf;color:#6b4500}
.hypo{margin-top:6px;color:#7b1d12;background:#fde4e1;border-radius:4px;padding:2px 8px}
.pic{display:flex;flex-direction:column}
.tools{display:flex;align-items:center;gap:4px;padding:4px 8px;border-bottom:1px solid #e3e7ed;flex-wrap:wrap}
button{font:inherit;border:1px solid #c3cbd6;background:#f7f9fb;border-radius:4px;padding:1px 8px;cursor:pointer;color:#1d2733}
button:hover{background:#e8eef6}
button.on{background:#34495e;color:#fff;border-color:#34495e}
.tools .zoomval{min-width:3.5em;text-align:right;color:#5a6572}
.hint{color:#6b737c;margin-left:auto;font-size:12px}
.svgbox{overflow:auto;max-height:max(62vh,420px);min-height:200px;cursor:grab;background:#fff;border-radius:0 0 8px 8px}
.svgbox.drag{cursor:grabbing}
.svgbox svg{display:block}
.svgbox svg text{font-family:"Liberation Sans",Arimo,Helvetica,Arial,sans-serif}
.svgbox g.node,.svgbox g.cluster{cursor:pointer}
.svgbox svg.has-sel g.node:not(.hl):not(.iommu),.svgbox svg.has-sel g.edge{opacity:.35}
.svgbox g.node.hl path,.svgbox g.node.hl polygon{stroke:${HL};stroke-width:2.5px}
.svgbox g.node.sel path,.svgbox g.node.sel polygon{stroke:${HL};stroke-width:4px;fill:#fff1dc}
.svgbox g.cluster.hl-domain path,.svgbox g.cluster.hl-domain polygon{stroke:${HL};stroke-width:2px;stroke-dasharray:6 3}
.svgbox g.cluster.hl-group path,.svgbox g.cluster.hl-group polygon{stroke:${HL};stroke-width:3px;stroke-dasharray:none}
.sel-panel{padding:6px 12px;border-left:4px solid ${HL}}
.sel-panel h2{font-size:14px;margin:0 0 2px}
.sel-panel ul{margin:0;padding-left:18px}
.sel-panel li.error{color:#7b1d12}
.sel-panel .close{float:right}
.tbl{display:flex;flex-direction:column}
.tbl-tools{display:flex;gap:6px;align-items:center;padding:6px 8px;flex-wrap:wrap;border-bottom:1px solid #e3e7ed}
.tbl-tools input{font:inherit;padding:2px 6px;border:1px solid #c3cbd6;border-radius:4px;min-width:16em;flex:1 1 16em;max-width:28em}
.tbl-tools .count{color:#5a6572;margin-left:auto}
.tscroll{overflow:auto;max-height:max(60vh,300px);position:relative}
table.devs{border-collapse:separate;border-spacing:0;table-layout:fixed;width:100%;min-width:980px}
.n-2 table.devs,.n-3 table.devs{min-width:760px}
table.devs th{position:sticky;top:0;background:#f2f5f8;z-index:1;text-align:left;font-weight:600;padding:3px 6px;border-bottom:1px solid #d5dbe3;cursor:pointer;white-space:nowrap;user-select:none}
table.devs th.sorted-asc::after{content:" ▲";font-size:9px}
table.devs th.sorted-desc::after{content:" ▼";font-size:9px}
table.devs td{padding:0 6px;height:22px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;border-bottom:1px solid #eef1f4}
table.devs tr.row{cursor:pointer}
table.devs tr.row:hover td{background:#f4f8fd}
table.devs tr.grp td{background:#fff6e8}
table.devs tr.sel td{background:#ffe2b8;font-weight:600}
table.devs td.c-problem{color:#7b1d12}
table.devs tr.pad td{border:0;padding:0}
${stateRules}
${domainRules}
details{padding:6px 12px}
details>summary{cursor:pointer;font-weight:600}
details .body{max-height:50vh;overflow:auto;margin-top:4px}
ul.problems,ul.notes,ul.diags{margin:4px 0;padding-left:20px}
ul li.bad{color:#7b1d12}
ul li.warn{color:#6b4500}
ul li{margin:1px 0}
ul.problems ul{color:#1d2733;padding-left:18px}
ul li.more{list-style:none}
.assumed{color:#6b4500}
.none,.muted{color:#6b737c}
pre.log{margin:0;font:12px/1.35 "DejaVu Sans Mono","Liberation Mono",monospace;white-space:pre-wrap}
pre.log .stage{color:#7d8793}
pre.log .lv-err{color:#a3281b}
pre.log .lv-warn{color:#8a5a00}
table.opts{border-collapse:collapse}
table.opts th{text-align:left;vertical-align:top;padding:2px 12px 2px 0;white-space:nowrap;color:#4d5660;font-weight:600}
table.opts td{padding:2px 0}
`;
