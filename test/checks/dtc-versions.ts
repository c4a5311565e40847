// What dtc 1.8.1 prints where the recorded stderr is dtc 1.6.1's. dtprobe follows 1.8.1; the
// differences in the checks are data here, read off the two versions' checks.c (only 1.6.1 can be
// run on this machine; MANIFEST.tsv has 1.8.1's verdicts, which the tests also assert).
//
// 1.6.1 -> 1.8.1 changes that show in the recorded inputs:
// - interrupt_provider: "Missing #interrupt-cells in interrupt provider" became
//   "Missing '#interrupt-cells' in interrupt provider"; the "#address-cells" half moved to the new
//   interrupt_map check ("Missing '#address-cells' in interrupt-map provider"), and a node with
//   #interrupt-cells that is no provider is now reported.
// - interrupt_map is new (prerequisites phandle_references, addr_size_cells, interrupt_provider).
// - graph_child_address is gone (1.8 removed it).
// - avoid_unnecessary_addr_size also accepts children with "ranges", and says so.
// - graph_nodes reports endpoint children of the root instead of crashing; graph_port and
//   graph_endpoint check a malformed reg instead of aborting (1.6.1 crashed on those inputs).
// - the phandle+args walk stops on a wrapping cell count (1.6.1 hung on phandle-args-overflow).

/** Maps one 1.6.1 stderr line to its 1.8.1 form, or undefined when 1.8.1 does not print it. */
export function to181(line: string): string | undefined {
  if (line.includes("Warning (graph_child_address)")) return undefined;
  if (line.includes("Warning (interrupt_provider)") && line.endsWith("Missing #address-cells in interrupt provider")) return undefined;
  return line
    .replace("Missing #interrupt-cells in interrupt provider", "Missing '#interrupt-cells' in interrupt provider")
    .replace(
      'unnecessary #address-cells/#size-cells without "ranges" or child "reg" property',
      'unnecessary #address-cells/#size-cells without "ranges", "dma-ranges" or child "reg" or "ranges" property',
    );
}

const CHECK_LINE = /^\S+: (ERROR|Warning) \([a-z0-9_]+\): /;

/**
 * The check output of a 1.6.1 stderr, mapped to 1.8.1: check messages, their "also defined at"
 * lines, and the empty line that follows messages ending in a newline (unresolved references).
 * Front-end errors, crash and trailer lines are dropped.
 */
export function checkLines181(stderr: string): string[] {
  const lines = stderr.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const out: string[] = [];
  let keep = false;
  for (const l of lines) {
    if (CHECK_LINE.test(l)) {
      const m = to181(l);
      keep = m !== undefined;
      if (m !== undefined) out.push(m);
    } else if (l.startsWith("  also defined at ") || l === "") {
      if (keep) out.push(l);
    } else {
      keep = false;
    }
  }
  return out;
}

/**
 * Lines dtc 1.8.1 prints after the (mapped) 1.6.1 output, per dtc-tests row. They all come from
 * checks later in the table than anything 1.6.1 printed for the row (or after the point where
 * 1.6.1 crashed or hung), so they are appended.
 */
export const added181: Readonly<Record<string, readonly string[]>> = {
  addresses: ["addresses.dtb: Warning (interrupt_map): Failed prerequisite 'addr_size_cells'"],
  "bad-ncells": [
    "bad-ncells.dtb: Warning (interrupt_provider): Failed prerequisite 'interrupts_extended_is_cell'",
    "bad-ncells.dtb: Warning (interrupt_map): Failed prerequisite 'addr_size_cells'",
    "bad-ncells.dtb: Warning (interrupt_map): Failed prerequisite 'interrupt_provider'",
  ],
  "bad-ncells__Wno_size_cells_is_cell": ["bad-ncells__Wno_size_cells_is_cell.dtb: Warning (interrupt_provider): Failed prerequisite 'interrupts_extended_is_cell'"],
  "bad-interrupt-cells": [
    "bad-interrupt-cells.dts:5.29-7.4: Warning (interrupt_provider): /interrupt-controller: '#interrupt-cells' found, but node is not an interrupt provider",
    "bad-interrupt-cells.dtb: Warning (interrupt_map): Failed prerequisite 'interrupt_provider'",
  ],
  "bad-interrupt-controller": ["bad-interrupt-controller.dtb: Warning (interrupt_map): Failed prerequisite 'interrupt_provider'"],
  "bad-interrupt-map": ["bad-interrupt-map.dts:10.7-18.4: Warning (interrupt_map): /node: Missing '#address-cells' in interrupt-map provider"],
  "bad-interrupt-map-mask": ["bad-interrupt-map-mask.dts:14.3-30: Warning (interrupt_map): /node:interrupt-map-mask: property size (8) is invalid, expected 4"],
  "bad-interrupt-map-parent": [
    "bad-interrupt-map-parent.dts:8.7-16.4: Warning (interrupt_map): /node: Missing property '#interrupt-cells' in node /interrupt-controller or bad phandle (referred from interrupt-map[1])",
  ],
  "bad-phandle-cells": [
    "bad-phandle-cells.dts:4.29-6.4: Warning (interrupt_provider): /interrupt-controller: '#interrupt-cells' found, but node is not an interrupt provider",
    "bad-phandle-cells.dtb: Warning (interrupt_map): Failed prerequisite 'interrupt_provider'",
  ],
  "obsolete-chosen-interrupt-controller": ["obsolete-chosen-interrupt-controller.dtb: Warning (interrupt_map): Failed prerequisite 'interrupt_provider'"],
  "bad-graph-reg-cells": [
    "bad-graph-reg-cells.dts:7.11-12.6: Warning (graph_port): /bar/ports/port@1: graph node malformed 'reg' property",
    "bad-graph-reg-cells.dts:13.11-18.6: Warning (graph_port): /bar/ports/port@2: graph node '#size-cells' is 1, must be 0",
    "bad-graph-reg-cells.dts:25.24-28.6: Warning (graph_endpoint): /foo/port/endpoint@1: graph node malformed 'reg' property",
    "bad-graph-reg-cells.dts:29.25-32.6: Warning (graph_endpoint): /foo/port/endpoint@2: graph node '#size-cells' is 1, must be 0",
  ],
  ...Object.fromEntries(
    (
      [
        ["bad-graph-root1", "3.3-7.3", "foo"],
        ["bad-graph-root2", "2.3-21", "endpoint"],
        ["bad-graph-root3", "3.4-14.3", "endpoint"],
        ["bad-graph-root4", "3.4-19.3", "foo"],
      ] as const
    ).map(([id, pos, child]) => [
      id,
      [
        `${id}.dts:${pos}: Warning (graph_nodes): /: root node contains endpoint node '${child}', potentially misplaced remote-endpoint property`,
        `${id}.dtb: Warning (graph_port): Failed prerequisite 'graph_nodes'`,
        `${id}.dtb: Warning (graph_endpoint): Failed prerequisite 'graph_nodes'`,
      ],
    ]),
  ),
  "phandle-args-overflow": ["phandle-args-overflow.dts:12.5-26: Warning (clocks_property): /:clocks: property size (8) too small for cell size 4294967295"],
};

/**
 * Corpus boards: lines 1.8.1 adds to the mapped 1.6.1 output. fsl-ls208xa's extirq interrupt-map
 * gives 3 parent cells where the GIC needs 5 (#address-cells 2 + #interrupt-cells 3): the new
 * interrupt_map check walks off the entry boundaries.
 */
export const corpusAdded181: Readonly<Record<string, readonly string[]>> = {
  "fsl-ls2088a-rdb": [
    "src/arm64/freescale/fsl-ls208xa.dtsi:291.36-311.6: Warning (interrupt_map): /soc/syscon@1f70000/interrupt-controller@14: Missing property '#interrupt-cells' in node /cpus/cpu-pw20 or bad phandle (referred from interrupt-map[18])",
  ],
};
