// The page's own script (inlined; no library): the device table (virtualised: only the rows in
// view exist, so 20,000 devices scroll smoothly), its filter and sort, selecting a device (its node,
// group and domain light up in the picture, its group's rows in the table, its facts in a panel,
// and the same device in every other column of a comparison), zoom and drag in the picture.
// Plain ES2020 in a string: it runs in the browser, not in node; test/browser/ drives it.

export const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var ROW_H = 22, OVERSCAN = 30;
  // Row layout: data.ts (the ten first COLUMNS, then ROW_FACTS).
  var STATE = 3, GROUP = 6, DOMAIN = 7, TYPE = 8, OPS = 9, PROBLEM = 10;
  var PATH = 10, REASON = 11, WANTED = 12, EXTRA = 13, FWSPEC = 14, COHERENT = 15, LIMIT = 16, ERRORS = 17, NOTES = 18;
  var CLASSES = ["device", "bus", "driver", "state", "iommu", "ids", "group", "domain", "type", "ops", "problem"];
  var BAD = { failed: 1, deferred: 1, "not-created": 1, unbound: 1, removed: 1 };
  var data = JSON.parse(document.getElementById("dtprobe-data").textContent);
  var cols = data.map(setup);

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function el(id) { return id ? document.getElementById(id) : null; }

  function setup(d, k) {
    var root = document.getElementById(d.prefix + "col");
    var c = {
      k: k, d: d, root: root,
      svg: root.querySelector(".svgbox svg"), box: root.querySelector(".svgbox"),
      scroll: root.querySelector(".tscroll"), body: root.querySelector("table.devs tbody"),
      count: root.querySelector(".count"), panel: root.querySelector(".sel-panel"),
      filter: "", quick: "all", only: null, onlyWhat: "", sortKey: -1, sortDir: 1,
      order: [], selected: -1, group: null, lit: [], scale: 1, byName: new Map(), hay: [], problem: []
    };
    d.rows.forEach(function (r, i) {
      c.byName.set(r[0], i);
      var e = r[ERRORS][0];
      var p = e ? e[0] + " " + e[2] + ": " + e[3] : BAD[r[STATE]] ? r[REASON] || r[STATE] : "";
      c.problem.push(p);
      c.hay.push((r.slice(0, 10).join(" ") + " " + p).toLowerCase());
    });
    if (c.svg) {
      var w = parseFloat(c.svg.getAttribute("width")), h = parseFloat(c.svg.getAttribute("height"));
      c.natural = { w: w * 4 / 3, h: h * 4 / 3 };
      c.svg.removeAttribute("width"); c.svg.removeAttribute("height");
    }
    wireTable(c); wirePicture(c); wireLinks(c);
    refilter(c);
    zoom(c, "start");
    return c;
  }

  // ---- table ----
  function wireTable(c) {
    var input = c.root.querySelector(".tbl-tools input");
    input.addEventListener("input", function () { c.filter = input.value.trim().toLowerCase(); refilter(c); });
    c.root.querySelectorAll(".tbl-tools button[data-q]").forEach(function (b) {
      b.addEventListener("click", function () { c.quick = b.getAttribute("data-q"); c.only = null; refilter(c); });
    });
    c.root.querySelectorAll("table.devs th").forEach(function (th, key) {
      th.addEventListener("click", function () {
        c.sortDir = c.sortKey === key ? -c.sortDir : 1; c.sortKey = key; refilter(c);
      });
    });
    c.scroll.addEventListener("scroll", function () { renderRows(c); });
    c.body.addEventListener("click", function (e) {
      var tr = e.target.closest("tr.row");
      if (tr) select(c, +tr.getAttribute("data-i"), "table");
    });
  }

  function keep(c, i) {
    var r = c.d.rows[i];
    if (c.only && !c.only.has(i)) return false;
    if (c.quick === "iommu" && r[GROUP] === null) return false;
    if (c.quick === "none" && r[GROUP] !== null) return false;
    if (c.quick === "bad" && !BAD[r[STATE]] && c.problem[i] === "") return false;
    return c.filter === "" || c.hay[i].indexOf(c.filter) >= 0;
  }

  function cmp(a, b) {
    if (a === b) return 0;
    if (a === null || a === "") return 1;
    if (b === null || b === "") return -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  function refilter(c) {
    var order = [];
    for (var i = 0; i < c.d.rows.length; i++) if (keep(c, i)) order.push(i);
    if (c.sortKey >= 0) {
      var key = c.sortKey, dir = c.sortDir;
      order.sort(function (a, b) {
        var x = cell(c, a, key), y = cell(c, b, key);
        var n = (x === null || x === "") !== (y === null || y === "") ? cmp(x, y) : dir * cmp(x, y);
        return n || a - b;
      });
    }
    c.order = order;
    c.root.querySelectorAll("table.devs th").forEach(function (th, key) {
      th.className = key === c.sortKey ? (c.sortDir > 0 ? "sorted-asc" : "sorted-desc") : "";
    });
    c.root.querySelectorAll(".tbl-tools button[data-q]").forEach(function (b) {
      b.classList.toggle("on", !c.only && b.getAttribute("data-q") === c.quick);
    });
    c.count.innerHTML = esc(order.length + " of " + c.d.rows.length + " devices") +
      (c.only ? " in " + esc(c.onlyWhat) + ' <button class="clear-only">show all</button>' : "");
    var clear = c.count.querySelector(".clear-only");
    if (clear) clear.addEventListener("click", function () { c.only = null; refilter(c); });
    renderRows(c);
  }

  function renderRows(c) {
    var top = c.scroll.scrollTop, height = c.scroll.clientHeight || 500;
    var first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    var last = Math.min(c.order.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    var html = [];
    if (first > 0) html.push('<tr class="pad"><td colspan="11" style="height:' + first * ROW_H + 'px"></td></tr>');
    for (var n = first; n < last; n++) {
      var i = c.order[n], r = c.d.rows[i];
      var cls = "row st-" + r[STATE] + (i === c.selected ? " sel" : c.group && c.group.has(i) ? " grp" : "");
      var cells = CLASSES.map(function (name, key) {
        var v = cell(c, i, key), extra = key === TYPE && v ? " dt-" + v : "";
        return '<td class="c-' + name + extra + '" title="' + esc(v === null ? "" : v) + '">' + esc(v === null ? "" : v) + "</td>";
      });
      html.push('<tr class="' + cls + '" data-i="' + i + '">' + cells.join("") + "</tr>");
    }
    if (last < c.order.length) html.push('<tr class="pad"><td colspan="11" style="height:' + (c.order.length - last) * ROW_H + 'px"></td></tr>');
    c.body.innerHTML = html.join("");
  }

  function cell(c, i, key) { return key === PROBLEM ? c.problem[i] : c.d.rows[i][key]; }

  function showRow(c, i) {
    var n = c.order.indexOf(i);
    if (n < 0) { c.only = null; c.quick = "all"; c.filter = ""; c.root.querySelector(".tbl-tools input").value = ""; refilter(c); n = c.order.indexOf(i); }
    var y = n * ROW_H, top = c.scroll.scrollTop, h = c.scroll.clientHeight - ROW_H - 26;
    if (y < top || y > top + h) c.scroll.scrollTop = Math.max(0, y - h / 2);
    renderRows(c);
  }

  // ---- selection ----
  function light(c, id, cls) {
    var e = el(id);
    if (e) { e.classList.add(cls); c.lit.push([e, cls]); }
  }

  function clear(c) {
    c.lit.forEach(function (p) { p[0].classList.remove(p[1]); });
    c.lit = []; c.selected = -1; c.group = null;
    if (c.svg) c.svg.classList.remove("has-sel");
    c.panel.hidden = true;
  }

  function select(c, i, from) {
    clear(c);
    var r = c.d.rows[i];
    c.selected = i;
    var g = r[GROUP] === null ? null : c.d.groups[r[GROUP]];
    c.group = new Set(g ? g[1] : [i]);
    if (c.svg) c.svg.classList.add("has-sel");
    c.group.forEach(function (m) { light(c, c.d.element[m], "hl"); });
    light(c, c.d.element[i], "sel");
    if (g) light(c, g[0], "hl-group");
    if (r[DOMAIN] !== null) light(c, c.d.domains[r[DOMAIN]], "hl-domain");
    panel(c, i, g);
    if (from !== "table") showRow(c, i); else renderRows(c);
    if (from !== "picture") reveal(c, el(c.d.element[i]));
    if (from !== "other") cols.forEach(function (o) {
      if (o === c) return;
      var j = o.byName.get(r[0]);
      if (j === undefined) clear(o); else select(o, j, "other");
    });
  }

  function facts(r) {
    var out = ["path: " + (r[PATH] || "(none: a PCI function from --pci)"),
      "driver: " + (r[2] || "none") + " — " + r[STATE] + (r[REASON] ? ": " + r[REASON] : "")];
    if (r[WANTED]) out.push("IOMMU: " + (r[4] && r[4].charAt(0) !== "(" ? r[4] : "none (wanted " + r[WANTED] + ")") +
      (r[EXTRA].length ? " + " + r[EXTRA].join(", ") : "") + "; IDs [" + r[5] + "]; fwspec " + (r[FWSPEC] || "none"));
    out.push("DMA: " + r[OPS] + " ops, " + (r[COHERENT] ? "coherent" : "non-coherent") + ", mask limit " + r[LIMIT]);
    r[ERRORS].forEach(function (e) {
      out.push("error: " + e[0] + " (" + e[1] + ") in " + e[2] + ": " + e[3] + (e[4] ? " [only because of the assumed " + e[4] + ": give the real value with --hw]" : ""));
    });
    r[NOTES].forEach(function (n) { out.push("note: " + n); });
    return out;
  }

  function panel(c, i, g) {
    var r = c.d.rows[i], p = c.panel;
    var members = g ? g[1].filter(function (m) { return m !== i; }) : [];
    p.innerHTML = '<button class="close" title="Esc">close</button><h2>' + esc(r[0]) + "</h2>" +
      "<div>" + esc(r[1] + " · " + (r[2] || "no driver") + " · " + r[3] + (r[4] ? " · IOMMU " + r[4] : "") +
        (r[GROUP] !== null ? " · group " + r[GROUP] : "") + (r[DOMAIN] !== null ? " · domain " + r[DOMAIN] + " " + r[TYPE] : "") + " · " + r[OPS] + " DMA ops") + "</div>" +
      "<ul>" + facts(r).map(function (line) {
        return '<li class="' + (line.indexOf("error:") === 0 ? "error" : "") + '">' + esc(line) + "</li>";
      }).join("") + "</ul>" +
      (members.length ? "<div>shares group " + r[GROUP] + " with " + members.slice(0, 50).map(function (m) {
        return '<a href="#" class="devlink" data-dev="' + m + '">' + esc(c.d.rows[m][0]) + "</a>";
      }).join(", ") + (members.length > 50 ? " and " + (members.length - 50) + " more" : "") + "</div>" : "");
    p.hidden = false;
    p.querySelector(".close").addEventListener("click", function () { clear(c); renderRows(c); });
  }

  function wireLinks(c) {
    c.root.addEventListener("click", function (e) {
      var a = e.target.closest("a.devlink, a.filterlink");
      if (!a) return;
      e.preventDefault();
      if (a.classList.contains("devlink")) return select(c, +a.getAttribute("data-dev"), "link");
      var input = c.root.querySelector(".tbl-tools input");
      input.value = a.getAttribute("data-filter");
      c.filter = input.value.toLowerCase(); c.only = null; c.quick = "all"; c.scroll.scrollTop = 0;
      refilter(c);
      input.scrollIntoView({ block: "center" });
    });
  }

  // ---- picture ----
  function zoom(c, how) {
    if (!c.svg) return;
    var fit = Math.min(1, (c.box.clientWidth - 4) / c.natural.w);
    var s = how === "start" ? Math.max(fit, 0.8) : how === "fit" ? fit : how === "1" ? 1 : how === "in" ? c.scale * 1.25 : how === "out" ? c.scale / 1.25 : c.scale;
    c.scale = Math.max(0.1, Math.min(4, s));
    c.svg.style.width = c.natural.w * c.scale + "px";
    c.svg.style.height = c.natural.h * c.scale + "px";
    var v = c.root.querySelector(".zoomval");
    if (v) v.textContent = Math.round(c.scale * 100) + "%";
  }

  function reveal(c, e) {
    if (!e || !c.box) return;
    var b = e.getBoundingClientRect(), box = c.box.getBoundingClientRect();
    if (b.left < box.left || b.right > box.right) c.box.scrollLeft += b.left - box.left - (box.width - b.width) / 2;
    if (b.top < box.top || b.bottom > box.bottom) c.box.scrollTop += b.top - box.top - (box.height - b.height) / 2;
  }

  function wirePicture(c) {
    if (!c.svg) return;
    c.root.querySelectorAll(".tools button[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () { zoom(c, b.getAttribute("data-zoom")); });
    });
    var drag = null, moved = false;
    c.box.addEventListener("mousedown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, l: c.box.scrollLeft, t: c.box.scrollTop }; moved = false;
    });
    window.addEventListener("mousemove", function (e) {
      if (!drag) return;
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) { moved = true; c.box.classList.add("drag"); }
      c.box.scrollLeft = drag.l - (e.clientX - drag.x); c.box.scrollTop = drag.t - (e.clientY - drag.y);
    });
    window.addEventListener("mouseup", function () { drag = null; c.box.classList.remove("drag"); });
    c.box.addEventListener("wheel", function (e) {
      if (!e.ctrlKey) return;
      e.preventDefault(); zoom(c, e.deltaY < 0 ? "in" : "out");
    }, { passive: false });
    c.svg.addEventListener("click", function (e) {
      if (moved) { moved = false; return; }
      var node = e.target.closest("g.node"), id = node ? node.id : "";
      var m = /^(.*?)d(\d+)$/.exec(id);
      if (node && m && m[1] === c.d.prefix) return select(c, +m[2], "picture");
      if (node && c.d.summaries[id]) return only(c, c.d.summaries[id], "the summary " + textOf(node));
      if (node && c.d.instances[id]) return only(c, c.d.instances[id][1], "IOMMU " + c.d.instances[id][0]);
      var cl = e.target.closest("g.cluster");
      if (!cl) { clear(c); renderRows(c); return; }
      for (var g in c.d.groups) if (c.d.groups[g][0] === cl.id) return only(c, c.d.groups[g][1], "group " + g);
      for (var dom in c.d.domains) if (c.d.domains[dom] === cl.id) {
        var members = [];
        c.d.rows.forEach(function (r, i) { if (String(r[DOMAIN]) === dom) members.push(i); });
        return only(c, members, "domain " + dom);
      }
    });
  }

  function textOf(node) {
    var t = node.querySelector("text");
    return t ? "“" + t.textContent + "”" : "";
  }

  function only(c, members, what) {
    c.only = new Set(members); c.onlyWhat = what; c.scroll.scrollTop = 0; refilter(c);
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") cols.forEach(function (c) { clear(c); renderRows(c); });
  });
  window.addEventListener("resize", function () { cols.forEach(function (c) { renderRows(c); }); });
  document.documentElement.setAttribute("data-ready", "1");
})();
`;
