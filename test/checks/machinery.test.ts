// The check machinery: order, levels, -W/-E propagation, prerequisites, quiet levels, positions.
import { describe, expect, it } from "vitest";
import { checkNames, validateCheckName } from "../../src/checks/index.ts";
import { E, lineOf, run, tree, W } from "./build.ts";

const failing = () =>
  tree({
    props: [
      ["#address-cells", [1, 2]],
      ["#size-cells", [1]],
    ],
    children: [["node@1", { props: [["reg", [1, 1]]] }]],
  });

describe("check table", () => {
  it("lists dtc 1.8.1's checks in table order", () => {
    expect(checkNames.length).toBe(89);
    expect(checkNames.slice(0, 6)).toEqual(["duplicate_node_names", "duplicate_property_names", "node_name_chars", "node_name_format", "node_name_not_empty", "property_name_chars"]);
    expect(checkNames.indexOf("iommus_property") + 1).toBe(checkNames.indexOf("iommus_is_cell"));
    expect(checkNames).not.toContain("graph_child_address");
    expect(checkNames.at(-1)).toBe("always_fail");
  });

  it("validates override names like dtc", () => {
    expect(validateCheckName("reg_format")).toBeUndefined();
    expect(validateCheckName("no-reg_format")).toBeUndefined();
    expect(validateCheckName("no_reg_format")).toBeUndefined();
    expect(validateCheckName("bogus")).toBe('Unrecognized check name "bogus"');
    expect(validateCheckName("no-bogus")).toBe('Unrecognized check name "bogus"');
  });
});

describe("prerequisites", () => {
  it("reports failed prerequisites without a position and skips the dependants", () => {
    const r = run(failing());
    expect(r.errors).toBe(false);
    expect(r.lines.slice(0, 4)).toEqual([
      "address_cells_is_cell /:#address-cells: property is not a single cell",
      "addr_size_cells Failed prerequisite 'address_cells_is_cell'",
      "reg_format Failed prerequisite 'addr_size_cells'",
      "ranges_format Failed prerequisite 'addr_size_cells'",
    ]);
    const prereq = r.items.find((d) => d.code === "addr_size_cells")!;
    expect(prereq.span).toBeUndefined();
    expect(prereq.severity).toBe("warning");
    // unit_address_format runs pci_bridge and simple_bus_bridge as prerequisites: their failed
    // prerequisite is reported before unit_address_format's own.
    const i = r.lines.indexOf("pci_bridge Failed prerequisite 'addr_size_cells'");
    expect(r.lines.slice(i, i + 4)).toEqual([
      "pci_bridge Failed prerequisite 'addr_size_cells'",
      "unit_address_format Failed prerequisite 'pci_bridge'",
      "simple_bus_bridge Failed prerequisite 'addr_size_cells'",
      "unit_address_format Failed prerequisite 'simple_bus_bridge'",
    ]);
    expect(r.lines).not.toContain("reg_format /node@1:reg: property has invalid length (8 bytes) (#address-cells == 2, #size-cells == 1)");
  });

  it("-W no- lowers the dependants, so they are not run (and not reported)", () => {
    const r = run(failing(), [W("address_cells_is_cell", false)]);
    expect(r.lines.some((l) => l.startsWith("address_cells_is_cell"))).toBe(false);
    expect(r.lines.some((l) => l.startsWith("reg_format") || l.startsWith("addr_size_cells"))).toBe(false);
  });
});

describe("levels", () => {
  const t = () => tree({ children: [["a", {}]] });

  it("always_fail is off by default, a warning with -W, an error with -E", () => {
    expect(run(t()).items).toEqual([]);
    const w = run(t(), [W("always_fail")]);
    expect(w.errors).toBe(false);
    expect(w.lines).toEqual(["always_fail /: always_fail check", "always_fail /a: always_fail check"]);
    expect(w.items.every((d) => d.severity === "warning")).toBe(true);
    const e = run(t(), [E("always_fail")]);
    expect(e.errors).toBe(true);
    expect(e.items.every((d) => d.severity === "error")).toBe(true);
  });

  it("-W no-x only lowers the warning level, -E no-x the error level (run_tests test-negation)", () => {
    expect(run(t(), [E("always_fail"), W("always_fail", false)]).errors).toBe(true);
    const r = run(t(), [E("always_fail"), E("always_fail", false)]);
    expect(r.errors).toBe(false);
    expect(r.items).toEqual([]);
  });

  it("-E on a check raises its prerequisites to error too", () => {
    const r = run(failing(), [E("reg_format")]);
    // address_cells_is_cell is now an error: it fails first and stops the run.
    expect(r.errors).toBe(true);
    expect(r.lines).toEqual(["address_cells_is_cell /:#address-cells: property is not a single cell"]);
    expect(r.items[0]!.severity).toBe("error");
  });

  it("-E size_cells_is_cell turns that warning into a failing error (bad-ncells row)", () => {
    const t = tree({ props: [["#address-cells", [1, 2]], ["#size-cells", [1, 2]]] });
    const r = run(t, [E("size_cells_is_cell")]);
    expect(r.errors).toBe(true);
    expect(r.lines).toEqual(["address_cells_is_cell /:#address-cells: property is not a single cell", "size_cells_is_cell /:#size-cells: property is not a single cell"]);
  });

  it("stops running checks after the first error-class failure, as process_checks does", () => {
    const r = run(
      tree({
        children: [
          ["n", { props: [["p", [1]]] }],
          ["n", {}],
          ["x@1", {}],
        ],
      }),
    );
    expect(r.errors).toBe(true);
    expect(r.lines).toEqual(["duplicate_node_names /n: Duplicate node name"]);
  });

  it("reports unknown override names", () => {
    const r = run(t(), [W("bogus")]);
    expect(r.items[0]!.message).toBe('Unrecognized check name "bogus"');
  });
});

describe("quiet", () => {
  it("-q hides warnings, -qq also errors (the run still fails)", () => {
    expect(run(failing(), [], 1).items).toEqual([]);
    const dup = () => tree({ children: [["n", {}], ["n", {}]] });
    expect(run(dup(), [], 1).lines).toEqual(["duplicate_node_names /n: Duplicate node name"]);
    const qq = run(dup(), [], 2);
    expect(qq.items).toEqual([]);
    expect(qq.errors).toBe(true);
  });
});

describe("positions", () => {
  it("uses the property span for property messages and the node span (with further definitions) for node messages", () => {
    const t = tree({ children: [["node@1", { extraSpans: 2, props: [["model", [1]]] }]] });
    const r = run(t);
    const n = t.root.children[0]!;
    const vsReg = r.items.find((d) => d.code === "unit_address_vs_reg")!;
    expect(vsReg.message).toBe("/node@1: node has a unit name, but no reg or ranges property");
    expect(lineOf(vsReg.span)).toBe(lineOf(n.spans[0]));
    expect(vsReg.related?.map((x) => [x.message, lineOf(x.span)])).toEqual([
      ["also defined at", lineOf(n.spans[1])],
      ["also defined at", lineOf(n.spans[2])],
    ]);
    const model = r.items.find((d) => d.code === "model_is_string")!;
    expect(model.message).toBe("/node@1:model: property is not a string");
    expect(lineOf(model.span)).toBe(lineOf(n.properties[0]!.span));
    expect(model.related).toBeUndefined();
  });

  it("falls back to the node span for a property without a position, without further definitions", () => {
    const t = tree({ children: [["n", { extraSpans: 1, props: [["model", [1]]] }]] });
    const n = t.root.children[0]!;
    n.properties[0]!.span = undefined;
    const d = run(t).items.find((x) => x.code === "model_is_string")!;
    expect(lineOf(d.span)).toBe(lineOf(n.spans[0]));
    expect(d.related).toBeUndefined();
  });
});
