// phandle + arguments properties (`iommus = <&smmu 1>`, `clocks`, `*-gpios`, ...): each
// specifier's phandle must name a node whose #<x>-cells says how many argument cells follow.
// The walk keeps dtc's unsigned 32-bit arithmetic, including its overflow guard.
import type { DtNode, DtProperty, Marker } from "../tree/model.ts";
import { fullPath } from "./tree-access.ts";
import { isCellCheck } from "./property-types.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { cellAt, isMultipleOf, isValidPhandle, propCell, toInt32 } from "./values.ts";

interface Provider {
  readonly propName: string;
  readonly cellsName: string;
  /** A missing cells property means 0 (msi-parent). */
  readonly optional: boolean;
}

/**
 * Whether a phandle reference marker sits at `offset`: looked for from `from` on (markers are in
 * offset order as the tree builder makes them), then, not to depend on that order, everywhere.
 */
function hasRefAt(markers: readonly Marker[], from: number, offset: number): boolean {
  for (let k = from; k < markers.length && markers[k]!.offset === offset; k++) if (markers[k]!.kind === "phandleRef") return true;
  for (let k = 0; k < markers.length; k++) if (markers[k]!.kind === "phandleRef" && markers[k]!.offset === offset) return true;
  return false;
}

function checkPhandleArgs(ctx: CheckContext, node: DtNode, prop: DtProperty, provider: Provider): void {
  const len = prop.value.length;
  const bytes = prop.value.bytes;
  if (!isMultipleOf(len, 4)) {
    ctx.fail(node, prop, `property size (${len}) is invalid, expected multiple of 4`);
    return;
  }
  const markers = prop.value.markers;
  const hasMarkers = markers.length > 0;
  /** Where the search for the next cell's marker starts (markers are in offset order as built). */
  let from = 0;
  const cells = len / 4;
  let cellsize = 0;
  for (let cell = 0, prev = -1; cell < cells; prev = cell, cell = (cell + cellsize + 1) >>> 0) {
    // A cell count of 0xffffffff wraps the step to 0; dtc's guard below misses it past cell 0 and
    // dtc loops for ever. Stop instead.
    if (cell <= prev) break;
    const phandle = cellAt(bytes, cell);
    // 0 and ~0 stand for "no entry here" in some bindings; in an overlay they are unresolved.
    if (!isValidPhandle(phandle)) {
      if (ctx.tree.plugin) break;
      cellsize = 0;
      continue;
    }
    if (hasMarkers) {
      // Was a Set of the reference offsets per property: three allocations per `clocks`-like
      // property, a visible share of the checks' garbage on large boards.
      const offset = cell * 4;
      while (from < markers.length && markers[from]!.offset < offset) from++;
      if (!hasRefAt(markers, from, offset)) ctx.fail(node, prop, `cell ${toInt32(cell)} is not a phandle reference`);
    }
    const target = ctx.nodeByPhandle(phandle);
    if (!target) {
      ctx.fail(node, prop, `Could not get phandle node for (cell ${toInt32(cell)})`);
      break;
    }
    const cellsProp = target.property(provider.cellsName);
    if (cellsProp) {
      cellsize = propCell(cellsProp);
    } else if (provider.optional) {
      cellsize = 0;
    } else {
      ctx.fail(
        node,
        undefined,
        `Missing property '${provider.cellsName}' in node ${fullPath(target)} or bad phandle (referred from ${prop.name}[${toInt32(cell)}])`,
      );
      break;
    }
    const expected = Math.imul((cell + cellsize + 1) >>> 0, 4) >>> 0;
    if (expected <= cell || len < expected) {
      ctx.fail(node, prop, `property size (${len}) too small for cell size ${cellsize}`);
      break;
    }
  }
}

function providerCheck(name: string, propName: string, cellsName: string, optional = false): CheckDefinition[] {
  const provider: Provider = { propName, cellsName, optional };
  return [
    {
      name: `${name}_property`,
      defaultLevel: "warning",
      prerequisites: [`${name}_is_cell`, "phandle_references"],
      onlyWithProperty: propName,
      node: (ctx, node) => {
        const prop = node.property(propName);
        if (prop) checkPhandleArgs(ctx, node, prop, provider);
      },
    },
    isCellCheck(`${name}_is_cell`, cellsName),
  ];
}

/** The 16 phandle+args properties, each `<x>_property` followed by its `<x>_is_cell` (table order). */
export const providerChecks: readonly CheckDefinition[] = [
  ...providerCheck("clocks", "clocks", "#clock-cells"),
  ...providerCheck("cooling_device", "cooling-device", "#cooling-cells"),
  ...providerCheck("dmas", "dmas", "#dma-cells"),
  ...providerCheck("hwlocks", "hwlocks", "#hwlock-cells"),
  ...providerCheck("interrupts_extended", "interrupts-extended", "#interrupt-cells"),
  ...providerCheck("io_channels", "io-channels", "#io-channel-cells"),
  ...providerCheck("iommus", "iommus", "#iommu-cells"),
  ...providerCheck("mboxes", "mboxes", "#mbox-cells"),
  ...providerCheck("msi_parent", "msi-parent", "#msi-cells", true),
  ...providerCheck("mux_controls", "mux-controls", "#mux-control-cells"),
  ...providerCheck("phys", "phys", "#phy-cells"),
  ...providerCheck("power_domains", "power-domains", "#power-domain-cells"),
  ...providerCheck("pwms", "pwms", "#pwm-cells"),
  ...providerCheck("resets", "resets", "#reset-cells"),
  ...providerCheck("sound_dai", "sound-dai", "#sound-dai-cells"),
  ...providerCheck("thermal_sensors", "thermal-sensors", "#thermal-sensor-cells"),
];

/** `*-gpios`, `gpios`, `*-gpio`, `gpio`, except the known false match `,nr-gpios`. */
function isGpioProperty(name: string): boolean {
  if (name.endsWith(",nr-gpios")) return false;
  return name.endsWith("-gpios") || name === "gpios" || name.endsWith("-gpio") || name === "gpio";
}

function gpiosProperty(ctx: CheckContext, node: DtNode): void {
  // GPIO hogs use `gpios` for their own line list.
  if (node.property("gpio-hog")) return;
  for (const prop of node.properties)
    if (isGpioProperty(prop.name)) checkPhandleArgs(ctx, node, prop, { propName: prop.name, cellsName: "#gpio-cells", optional: false });
}

function deprecatedGpioProperty(ctx: CheckContext, node: DtNode): void {
  for (const prop of node.properties)
    if (isGpioProperty(prop.name) && prop.name.endsWith("gpio")) ctx.fail(node, prop, "'[*-]gpio' is deprecated, use '[*-]gpios' instead");
}

export const gpioChecks: readonly CheckDefinition[] = [
  { name: "deprecated_gpio_property", defaultLevel: "off", prerequisites: [], node: deprecatedGpioProperty },
  { name: "gpios_property", defaultLevel: "warning", prerequisites: ["phandle_references"], node: gpiosProperty },
];
