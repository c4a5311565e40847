// The WARNING-class checks on trees built in code: addresses, buses, chosen, aliases, phandle
// arguments (iommus), interrupts and graphs. Expected texts are dtc's.
import { describe, expect, it } from "vitest";
import { bytes, cells, linesOf, run, tree, W, type NodeSpec } from "./build.ts";

const bus = (extra: NodeSpec["props"] = []): NodeSpec["props"] => [["#address-cells", [1]], ["#size-cells", [1]], ...extra];

describe("addresses", () => {
  it("reg_format, ranges_format, dma_ranges_format", () => {
    const r = run(
      tree({
        props: bus(),
        children: [
          ["a@1", { props: [["reg", [1]]] }],
          ["b@2", { props: [["reg", []]] }],
          ["c@3", { props: [["#address-cells", [2]], ["reg", [3, 1]], ["ranges", []], ["dma-ranges", [1, 2, 3]]] }],
        ],
      }),
    );
    expect(linesOf(r, "reg_format", "ranges_format", "dma_ranges_format")).toEqual([
      "/a@1:reg: property has invalid length (4 bytes) (#address-cells == 1, #size-cells == 1)",
      "/b@2:reg: property is empty",
      '/c@3:ranges: empty "ranges" property but its #address-cells (2) differs from / (1)',
      '/c@3:dma-ranges: "dma-ranges" property has invalid length (12 bytes) (parent #address-cells == 1, child #address-cells == 2, #size-cells == 1)',
    ]);
  });

  it("root reg and ranges", () => {
    const r = run(tree({ props: [["reg", [1, 2, 3]], ["ranges", [1]]] }));
    expect(linesOf(r, "reg_format", "ranges_format")).toEqual(['/: Root node has a "reg" property', '/:ranges: Root node has a "ranges" property']);
  });

  it("unit_address_vs_reg and unit_address_format", () => {
    const r = run(
      tree({
        props: bus(),
        children: [
          ["a@0x10", { props: [["reg", [0x10, 1]]] }],
          ["b@010", { props: [["reg", [0x10, 1]]] }],
          ["c@1", {}],
          ["d", { props: [["reg", [1, 1]]] }],
          ["e@2", { props: [["ranges", []]] }],
          ["fragment@0", { children: [["__overlay__", {}]] }],
        ],
      }),
    );
    expect(linesOf(r, "unit_address_vs_reg", "unit_address_format")).toEqual([
      "/c@1: node has a unit name, but no reg or ranges property",
      "/d: node has a reg or ranges property, but no unit name",
      "/e@2: node has a unit name, but no reg or ranges property",
      '/a@0x10: unit name should not have leading "0x"',
      "/b@010: unit name should not have leading 0s",
    ]);
  });

  it("avoid_default_addr_size, avoid_unnecessary_addr_size", () => {
    const defaults = run(tree({ children: [["a@1", { props: [["reg", [0, 1, 2]]] }]] }));
    // A failed avoid_default_addr_size also keeps its dependants from running.
    expect(linesOf(defaults, "avoid_default_addr_size", "avoid_unnecessary_addr_size", "unique_unit_address")).toEqual([
      "/a@1: Relying on default #address-cells value",
      "/a@1: Relying on default #size-cells value",
      "Failed prerequisite 'avoid_default_addr_size'",
      "Failed prerequisite 'avoid_default_addr_size'",
    ]);
    const r = run(
      tree({
        props: bus(),
        children: [
          ["b", { props: bus(), children: [["x", {}]] }],
          ["c", { props: bus(), children: [["x", { props: [["ranges", []]] }]] }],
          ["d", { props: bus(), children: [["x", { props: [["reg", [1, 1]]] }]] }],
        ],
      }),
    );
    expect(linesOf(r, "avoid_unnecessary_addr_size")).toEqual(['/b: unnecessary #address-cells/#size-cells without "ranges", "dma-ranges" or child "reg" or "ranges" property']);
  });

  it("unique_unit_address reports on the earlier node, in dtc's order; the _if_enabled variant skips disabled nodes", () => {
    const t = () =>
      tree({
        props: bus(),
        children: [
          ["x@5", { props: [["reg", [5, 1]]] }],
          ["y@5", { props: [["reg", [5, 1]], ["status", "disabled"]] }],
          ["y@5", { props: [["reg", [5, 1]]] }],
        ],
      });
    const r = run(t(), [W("duplicate_node_names", false)]);
    expect(linesOf(r, "unique_unit_address")).toEqual([]);
    // Lowering the error level of duplicate_node_names also lowers phandle/path references.
    const r2 = run(t(), [{ name: "duplicate_node_names", kind: "error", enable: false }, W("unique_unit_address_if_enabled")]);
    expect(linesOf(r2, "unique_unit_address")).toEqual([
      "/x@5: duplicate unit-address (also used in node /y@5)",
      "/x@5: duplicate unit-address (also used in node /y@5)",
      "/y@5: duplicate unit-address (also used in node /y@5)",
    ]);
    expect(linesOf(r2, "unique_unit_address_if_enabled")).toEqual(["/x@5: duplicate unit-address (also used in node /y@5)"]);
  });
});

describe("buses", () => {
  it("simple-bus: unit address from reg or ranges, and missing reg", () => {
    const r = run(
      tree({
        props: bus(),
        children: [
          [
            "bus@10",
            {
              props: bus([["compatible", "simple-bus"], ["reg", [0x10, 1]], ["ranges", []]]),
              children: [
                ["x@5", { props: [["reg", [6, 1]]] }],
                ["y@7", { props: [["reg", [7, 1]]] }],
                ["z@1", { props: [["#address-cells", [1]], ["ranges", [0, 0x20, 4]]] }],
                ["w", {}],
              ],
            },
          ],
        ],
      }),
    );
    expect(linesOf(r, "simple_bus_reg")).toEqual([
      '/bus@10/x@5: simple-bus unit address format error, expected "6"',
      '/bus@10/z@1: simple-bus unit address format error, expected "20"',
      "/bus@10/w: missing or empty reg/ranges property",
    ]);
  });

  it("pci: bridge properties and device unit addresses", () => {
    const r = run(
      tree({
        props: bus(),
        children: [
          [
            "pcie@1000",
            {
              props: [["device_type", "pci"], ["reg", [0x1000, 1]], ["#address-cells", [3]], ["#size-cells", [2]], ["ranges", []], ["bus-range", [0, 1]]],
              children: [
                ["dev@1", { props: [["reg", [0x0800, 0, 0, 0, 0]]] }],
                ["dev@2,1", { props: [["reg", [0x1100, 0, 0, 0, 0]]] }],
                ["dev@2", { props: [["reg", [0x1100, 0, 0, 0, 0]]] }],
                ["dev@3", { props: [["reg", [0x021801, 0, 1, 0, 0]]] }],
              ],
            },
          ],
        ],
      }),
    );
    expect(linesOf(r, "pci_bridge", "pci_device_reg", "pci_device_bus_num")).toEqual([
      '/pcie@1000/dev@2: PCI unit address format error, expected "2,1"',
      "/pcie@1000/dev@3:reg: PCI reg config space address cells 2 and 3 must be 0",
      "/pcie@1000/dev@3:reg: PCI reg config space address register number must be 0",
      "/pcie@1000/dev@3:bus-range: PCI bus number 2 out of range, expected (0 - 1)",
    ]);
    const bad = run(tree({ props: bus(), children: [["abadname@0", { props: [["device_type", "pci"], ["reg", [0, 1]]] }]] }));
    expect(linesOf(bad, "pci_bridge")).toEqual([
      '/abadname@0: node name is not "pci" or "pcie"',
      "/abadname@0: missing ranges for PCI bridge (or not a bridge)",
      "/abadname@0: incorrect #address-cells for PCI bridge",
      "/abadname@0: incorrect #size-cells for PCI bridge",
    ]);
  });

  it("i2c and spi", () => {
    const r = run(
      tree({
        props: bus(),
        children: [
          [
            "i2c@100",
            {
              props: [["reg", [0x100, 1]], ["#address-cells", [1]], ["#size-cells", [0]]],
              children: [
                ["dev@50", { props: [["reg", [0x51]]] }],
                ["big@80", { props: [["reg", [0x80]]] }],
                ["ten@400", { props: [["reg", [0x80000400]]] }],
                ["nothing", {}],
              ],
            },
          ],
          [
            "ctrl@200",
            {
              props: [["reg", [0x200, 1]], ["#address-cells", [1]], ["#size-cells", [0]]],
              children: [["flash@1", { props: [["reg", [2]], ["spi-max-frequency", [1]]] }]],
            },
          ],
        ],
      }),
    );
    expect(linesOf(r, "i2c_bus_bridge", "i2c_bus_reg", "spi_bus_bridge", "spi_bus_reg")).toEqual([
      '/i2c@100/dev@50: I2C bus unit address format error, expected "51"',
      '/i2c@100/big@80:reg: I2C address must be less than 7-bits, got "0x80". Set I2C_TEN_BIT_ADDRESS for 10 bit addresses or fix the property',
      '/i2c@100/ten@400: I2C bus unit address format error, expected "80000400"',
      '/i2c@100/ten@400:reg: I2C address must be less than 10-bits, got "0x80000400"',
      "/i2c@100/nothing: missing or empty reg property",
      "/ctrl@200: node name for SPI buses should be 'spi'",
      // Any spi_bus_bridge failure keeps spi_bus_reg from running at all.
      "Failed prerequisite 'spi_bus_bridge'",
    ]);
    const spi = run(
      tree({
        props: bus(),
        children: [["spi@300", { props: [["reg", [0x300, 1]], ["#address-cells", [1]], ["#size-cells", [0]]], children: [["flash@1", { props: [["reg", [2]]] }]] }]],
      }),
    );
    expect(linesOf(spi, "spi_bus_bridge", "spi_bus_reg")).toEqual(['/spi@300/flash@1: SPI bus unit address format error, expected "2"']);
  });
});

describe("chosen and aliases", () => {
  it("chosen checks", () => {
    const r = run(
      tree({
        children: [
          ["chosen", { props: [["interrupt-controller", undefined], ["linux,stdout-path", [1]]] }],
          ["n", { children: [["chosen", { props: [["bootargs", [1]]] }]] }],
        ],
      }),
    );
    expect(linesOf(r, "obsolete_chosen_interrupt_controller", "chosen_node_is_root", "chosen_node_bootargs", "chosen_node_stdout_path")).toEqual([
      '/:interrupt-controller: /chosen has obsolete "interrupt-controller" property',
      "/n/chosen: chosen node must be at root node",
      "/n/chosen:bootargs: property is not a string",
      "/chosen:linux,stdout-path: Use 'stdout-path' instead",
      "/chosen:linux,stdout-path: property is not a string",
    ]);
  });

  it("alias_paths", () => {
    const r = run(
      tree({
        children: [
          // dtc's path lookup takes a relative path from the root too, and "/" finds nothing.
          ["aliases", { props: [["empty", ""], ["loop", "loop"], ["nonull", bytes(0x62, 0x61, 0x64)], ["relative", "s1/sub"], ["wrong", "s1/subsub"], ["ok", "/s1/sub"], ["Bad", "/s1"], ["none", undefined], ["root", "/"]] }],
          ["s1", { children: [["sub", {}]] }],
        ],
      }),
    );
    expect(linesOf(r, "alias_paths")).toEqual([
      "/aliases:loop: aliases property is not a valid node (loop)",
      "/aliases:nonull: aliases property is not a valid node (bad)",
      "/aliases:wrong: aliases property is not a valid node (s1/subsub)",
      "/aliases: aliases property name must include only lowercase and '-'",
      "/aliases:none: aliases property is not a valid node ((null))",
      "/aliases:root: aliases property is not a valid node (/)",
    ]);
  });
});

describe("phandle + args (iommus)", () => {
  it("gives dtc's iommus_property messages", () => {
    const r = run(
      tree({
        props: bus(),
        children: [
          ["iommu@1000", { labels: ["smmu"], props: [["reg", [0x1000, 1]], ["#iommu-cells", [1]]] }],
          ["iommu@2000", { props: [["reg", [0x2000, 1]], ["phandle", [0x10]]] }],
          ["dev@3000", { props: [["reg", [0x3000, 1]], ["iommus", cells({ ref: "smmu" }, 1, 0x10)]] }],
          ["dev@4000", { props: [["reg", [0x4000, 1]], ["iommus", cells({ ref: "smmu" }, 1, 0, { ref: "smmu" }, 2)]] }],
          ["dev@5000", { props: [["reg", [0x5000, 1]], ["iommus", cells({ ref: "smmu" })]] }],
          ["dev@6000", { props: [["reg", [0x6000, 1]], ["iommus", cells(0x77)]] }],
          ["dev@7000", { props: [["reg", [0x7000, 1]], ["iommus", bytes(1, 2, 3)]] }],
        ],
      }),
    );
    expect(r.errors).toBe(false);
    expect(linesOf(r, "iommus_property", "iommus_is_cell")).toEqual([
      "/dev@3000:iommus: cell 2 is not a phandle reference",
      "/dev@3000: Missing property '#iommu-cells' in node /iommu@2000 or bad phandle (referred from iommus[2])",
      "/dev@5000:iommus: property size (4) too small for cell size 1",
      "/dev@6000:iommus: cell 0 is not a phandle reference",
      "/dev@6000:iommus: Could not get phandle node for (cell 0)",
      "/dev@7000:iommus: property size (3) is invalid, expected multiple of 4",
    ]);
  });

  it("stops on a cell count that would wrap the walk (dtc issue 64) instead of looping", () => {
    const r = run(
      tree({
        props: [["clocks", cells({ ref: "ref" }, 0, { ref: "ref" })]],
        children: [["poc", { labels: ["ref"], props: [["#clock-cells", [0xffffffff]]] }]],
      }),
    );
    expect(linesOf(r, "clocks_property")).toEqual(["/:clocks: property size (12) too small for cell size 4294967295"]);
  });

  it("msi-parent cells are optional; gpios skip hogs and ,nr-gpios", () => {
    const r = run(
      tree({
        children: [
          ["msi", { labels: ["msi"] }],
          ["gpio", { labels: ["gpio"], props: [["#gpio-cells", [2]]] }],
          ["dev", { props: [["msi-parent", cells({ ref: "msi" })], ["foo-gpios", cells({ ref: "gpio" }, 1)], ["bar-gpio", cells({ ref: "gpio" })], ["vendor,nr-gpios", [3]]] }],
          ["hog", { props: [["gpio-hog", undefined], ["gpios", [1, 2]]] }],
        ],
      }),
      [W("deprecated_gpio_property")],
    );
    expect(linesOf(r, "msi_parent_property", "gpios_property", "deprecated_gpio_property")).toEqual([
      "/dev:bar-gpio: '[*-]gpio' is deprecated, use '[*-]gpios' instead",
      "/dev:foo-gpios: property size (8) too small for cell size 2",
      "/dev:bar-gpio: property size (4) too small for cell size 2",
    ]);
  });
});

describe("interrupts", () => {
  it("interrupts_property, interrupt_provider, interrupt_map", () => {
    const r = run(
      tree({
        props: [["interrupt-parent", cells({ ref: "intc" })]],
        children: [
          ["intc", { labels: ["intc"], props: [["interrupt-controller", undefined], ["#interrupt-cells", [3]]] }],
          ["plain", { labels: ["plain"], props: [["#interrupt-cells", [1]]] }],
          ["node", { props: [["interrupts", [1]]] }],
          ["odd", { props: [["interrupts", bytes(1, 2)], ["interrupt-parent", cells({ ref: "plain" })]] }],
        ],
      }),
    );
    expect(linesOf(r, "interrupts_property", "interrupt_provider", "interrupt_map")).toEqual([
      "/node:#interrupt-cells: size is (4), expected multiple of 12",
      "/odd:interrupts: size (2) is invalid, expected multiple of 4",
      "/plain: Missing interrupt-controller or interrupt-map property",
      "/odd:#interrupt-cells: size is (2), expected multiple of 4",
      "/plain: '#interrupt-cells' found, but node is not an interrupt provider",
      // interrupt_provider failed: interrupt_map does not run.
      "Failed prerequisite 'interrupt_provider'",
    ]);
  });

  it("interrupt_map walks the map with each parent's cell counts", () => {
    const map = (m: ReturnType<typeof cells>, mask: number[] = [1]) =>
      run(
        tree({
          children: [
            ["intc", { labels: ["intc"], props: [["interrupt-controller", undefined], ["#interrupt-cells", [3]]] }],
            ["gic", { labels: ["gic"], props: [["interrupt-controller", undefined], ["#interrupt-cells", [1]], ["#address-cells", [1]]] }],
            ["nocells", { labels: ["nocells"], props: [["interrupt-controller", undefined], ["#interrupt-cells", [1]]] }],
            [
              "map",
              {
                props: [["#address-cells", [0]], ["#interrupt-cells", [1]], ["interrupt-map", m], ["interrupt-map-mask", mask]],
                children: [["child", { props: [["interrupts", [1]]] }]],
              },
            ],
          ],
        }),
      );
    expect(linesOf(map(cells(1, { ref: "intc" }, 1, 2, 3, 2, { ref: "gic" }, 0, 5)), "interrupt_map")).toEqual([]);
    expect(linesOf(map(cells(1, { ref: "intc" }, 1, 2, 3, 2, { ref: "gic" }, 5), [1, 2]), "interrupt_map")).toEqual([
      "/map:interrupt-map-mask: property size (8) is invalid, expected 4",
      "/map:interrupt-map: property size (32) mismatch, expected 36",
    ]);
    expect(linesOf(map(cells(1, { ref: "intc" }, 1, 2, 3, 2)), "interrupt_map")).toEqual(["/map:interrupt-map: property size (24) too small, expected > 24"]);
    expect(linesOf(map(cells(1, 0, 1)), "interrupt_map")).toEqual(["/map:interrupt-map: Cell 1 is not a phandle(0)"]);
    expect(linesOf(map(cells(1, 0x99, 1)), "interrupt_map")).toEqual(["/map:interrupt-map: Could not get phandle(153) node for (cell 1)"]);
  });
});

describe("graph", () => {
  it("ports, endpoints and links", () => {
    const r = run(
      tree({
        children: [
          [
            "ports",
            {
              props: [["#address-cells", [1]], ["#size-cells", [0]]],
              children: [
                [
                  "port-a@0",
                  {
                    props: [["reg", [0]], ["#address-cells", [1]], ["#size-cells", [0]]],
                    children: [["endpoint@d0", { labels: ["ep"], props: [["reg", [0]], ["remote-endpoint", [0xdead]]] }]],
                  },
                ],
              ],
            },
          ],
          ["dev", { children: [["port", { children: [["endpoint", { props: [["remote-endpoint", cells({ ref: "ep" })]] }]] }]] }],
        ],
      }),
    );
    expect(linesOf(r, "graph_nodes", "graph_port", "graph_endpoint")).toEqual([
      "/ports/port-a@0: graph port node name should be 'port'",
      '/ports/port-a@0/endpoint@d0: graph node unit address error, expected "0"',
      "/ports/port-a@0/endpoint@d0:remote-endpoint: graph phandle is not valid",
      "/ports/port-a@0/endpoint@d0:remote-endpoint: graph phandle is not valid",
      "/dev/port/endpoint: graph connection to node '/ports/port-a@0/endpoint@d0' is not bidirectional",
    ]);
  });

  it("a root node with an endpoint child is reported, not a crash (1.6.1 bad-graph-root)", () => {
    const r = run(tree({ children: [["foo", { props: [["remote-endpoint", [0xdeadbeef]]] }]] }));
    expect(linesOf(r, "graph_nodes")).toEqual(["/: root node contains endpoint node 'foo', potentially misplaced remote-endpoint property"]);
  });
});
