// Structural checks and duplicate_label, on trees built in code.
import { describe, expect, it } from "vitest";
import { bytes, cells, E, lineOf, linesOf, run, tree, W, type NodeSpec } from "./build.ts";

describe("duplicate names", () => {
  it("reports each later duplicate once per earlier one, in dtc's loop order", () => {
    const t = tree({ children: [["a", {}], ["b", {}], ["a", {}], ["a", {}]] });
    const r = run(t);
    expect(r.errors).toBe(true);
    const kids = t.root.children;
    expect(r.items.map((d) => lineOf(d.span))).toEqual([lineOf(kids[2]!.spans[0]), lineOf(kids[3]!.spans[0]), lineOf(kids[3]!.spans[0])]);
    expect(r.lines).toEqual(["duplicate_node_names /a: Duplicate node name", "duplicate_node_names /a: Duplicate node name", "duplicate_node_names /a: Duplicate node name"]);
  });

  it("reports duplicate properties on the earlier ones", () => {
    const t = tree({ props: [["p", [1]], ["q", [1]], ["p", [2]], ["p", [3]]] });
    const r = run(t);
    const props = t.root.properties;
    expect(r.lines).toEqual(["duplicate_property_names /:p: Duplicate property name", "duplicate_property_names /:p: Duplicate property name", "duplicate_property_names /:p: Duplicate property name"]);
    expect(r.items.map((d) => lineOf(d.span))).toEqual([lineOf(props[0]!.span), lineOf(props[0]!.span), lineOf(props[2]!.span)]);
  });

  it("is linear in the number of siblings", () => {
    const timed = (n: number) => {
      const children: [string, {}][] = [];
      for (let i = 0; i < n; i++) children.push([`n@${i.toString(16)}`, {}]);
      const t = tree({ props: [["#address-cells", [1]], ["#size-cells", [0]]], children });
      const start = performance.now();
      const r = run(t, [W("unit_address_vs_reg", false)]);
      return { r, ms: performance.now() - start };
    };
    timed(2_000); // warm-up
    const small = timed(10_000);
    const big = timed(100_000);
    expect(big.r.errors).toBe(false);
    // 10x the siblings: linear work stays near 10x; quadratic would be ~100x.
    expect(big.ms / Math.max(small.ms, 1)).toBeLessThan(35);
  });
});

describe("names", () => {
  it("node_name_chars, node_name_format, node_name_not_empty", () => {
    expect(run(tree({ children: [["a*b", {}]] })).lines).toEqual(["node_name_chars /a*b: Bad character '*' in node name"]);
    expect(run(tree({ children: [["a@1@2", { props: [["reg", [1, 2]]] }]] })).lines).toEqual(["node_name_format /a@1@2: multiple '@' characters in node name"]);
    expect(run(tree({ children: [["@1", { props: [["reg", [1, 2]]] }]] })).lines).toEqual(["node_name_not_empty /@1: Empty node name"]);
    // node_name_format needs node_name_chars: lowering that error lowers node_name_format too;
    // the warning-level node_name_vs_property_name stays on and reports the missing prerequisite.
    expect(run(tree({ children: [["a#@1@2", {}]] }), [E("node_name_chars", false)]).lines.filter((l) => l.startsWith("node_name"))).toEqual([
      "node_name_vs_property_name Failed prerequisite 'node_name_chars'",
    ]);
  });

  it("property_name_chars and the strict variants", () => {
    expect(run(tree({ props: [["a$b", [1]]] })).lines).toEqual(["property_name_chars /:a$b: Bad character '$' in property name"]);
    const strict = run(tree({ props: [["vendor,#cells", [1]], ["a_b", [1]], ["device_type", "x"], ["#x", [1]]], children: [["My_Node", {}]] }), [W("property_name_chars_strict"), W("node_name_chars_strict")]);
    expect(linesOf(strict, "property_name_chars_strict", "node_name_chars_strict")).toEqual(["/:a_b: Character '_' not recommended in property name", "/My_Node: Character '_' not recommended in node name"]);
  });

  it("node_name_vs_property_name", () => {
    expect(linesOf(run(tree({ props: [["x", [1]]], children: [["x", {}]] })), "node_name_vs_property_name")).toEqual(["/x: node name and property name conflict"]);
  });

  it("name_properties deletes a correct name property and rejects a wrong one", () => {
    const ok = tree({ children: [["node@0", { props: [["name", "node"], ["reg", [0]]] }]] });
    run(ok, [W("unit_address_vs_reg", false)]);
    expect(ok.root.children[0]!.properties.map((p) => p.name)).toEqual(["reg"]);
    const bad = run(tree({ children: [["node@0", { props: [["name", "badthing"]] }]] }));
    expect(bad.errors).toBe(true);
    expect(bad.lines).toEqual(['name_properties /node@0: "name" property is incorrect ("badthing" instead of base node name)']);
    const notString = run(tree({ children: [["n", { props: [["name", [1]]] }]] }));
    expect(notString.lines).toEqual(["name_is_string /n:name: property is not a string"]);
  });
});

describe("duplicate_label", () => {
  it("names node, property and value labels the way dtc does", () => {
    const value = cells(1, 2);
    value.markers.push({ kind: "label", offset: 4, name: "v" });
    const again = cells(3);
    again.markers.push({ kind: "label", offset: 0, name: "v" });
    const t = tree({
      props: [["property1", [1], ["label"]], ["pv", value], ["pv2", again]],
      children: [
        ["node1", { labels: ["label"] }],
        ["node2", { labels: ["label"], props: [["p", [1], ["v"]]] }],
      ],
    });
    // Node labels win over property labels, which win over value labels.
    expect(run(t).lines).toEqual([
      "duplicate_label /: Duplicate label 'label' on 'property1' in / and /node1",
      "duplicate_label /: Duplicate label 'v' on value of 'pv' in / and 'p' in /node2",
      "duplicate_label /: Duplicate label 'v' on value of 'pv2' in / and 'p' in /node2",
      "duplicate_label /node2: Duplicate label 'label' on /node2 and /node1",
    ]);
    const values = cells(1, 2);
    values.markers.push({ kind: "label", offset: 0, name: "w" }, { kind: "label", offset: 4, name: "w" });
    expect(run(tree({ props: [["p", values]] })).lines).toEqual(["duplicate_label /: Duplicate label 'w' on value of 'p' in / and value of 'p' in /"]);
  });

  it("accepts the same label twice on one item", () => {
    expect(run(tree({ children: [["a", { labels: ["x"] }]] })).errors).toBe(false);
  });
});

describe("deep trees", () => {
  it("checks a 10,000-deep tree without overflowing the stack", () => {
    const root: NodeSpec = { children: [] };
    let cur = root;
    for (let i = 0; i < 10_000; i++) {
      const next: NodeSpec = { children: [] };
      cur.children!.push([`n${i}`, next]);
      cur = next;
    }
    cur.props = [["model", bytes(1)]];
    const r = run(tree(root));
    expect(r.errors).toBe(false);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^model_is_string \/n0\/n1\/.*\/n9999:model: property is not a string$/);
  });
});
