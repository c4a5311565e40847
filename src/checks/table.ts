// dtc 1.8.1's check table, in its order (checks.c `check_table[]`). The order decides the order of
// messages, and prerequisites run first when a check needs them.
import { addressChecks } from "./addresses.ts";
import { busChecks } from "./buses.ts";
import { aliasChecks, chosenChecks } from "./chosen-aliases.ts";
import { graphChecks } from "./graph.ts";
import { interruptChecks } from "./interrupts.ts";
import { labelChecks } from "./labels.ts";
import { gpioChecks, providerChecks } from "./phandle-args.ts";
import { cellsAndStringsChecks } from "./property-types.ts";
import { referenceChecks } from "./references.ts";
import { structureChecks } from "./structure.ts";
import type { CheckDefinition } from "./types.ts";

/** A check for testing the machinery: fails on every node. Off unless enabled with -W/-E. */
const alwaysFail: CheckDefinition = {
  name: "always_fail",
  defaultLevel: "off",
  prerequisites: [],
  node: (ctx, node) => ctx.fail(node, undefined, "always_fail check"),
};

const ORDER = [
  "duplicate_node_names", "duplicate_property_names",
  "node_name_chars", "node_name_format", "node_name_not_empty", "property_name_chars",
  "name_is_string", "name_properties", "node_name_vs_property_name",
  "duplicate_label",
  "explicit_phandles", "phandle_references", "path_references", "omit_unused_nodes",
  "address_cells_is_cell", "size_cells_is_cell",
  "device_type_is_string", "model_is_string", "status_is_string", "label_is_string",
  "compatible_is_string_list", "names_is_string_list",
  "property_name_chars_strict", "node_name_chars_strict",
  "addr_size_cells", "reg_format", "ranges_format", "dma_ranges_format",
  "unit_address_vs_reg", "unit_address_format",
  "pci_bridge", "pci_device_reg", "pci_device_bus_num",
  "simple_bus_bridge", "simple_bus_reg",
  "i2c_bus_bridge", "i2c_bus_reg",
  "spi_bus_bridge", "spi_bus_reg",
  "avoid_default_addr_size", "avoid_unnecessary_addr_size", "unique_unit_address", "unique_unit_address_if_enabled",
  "obsolete_chosen_interrupt_controller", "chosen_node_is_root", "chosen_node_bootargs", "chosen_node_stdout_path",
  ...providerChecks.map((c) => c.name),
  "deprecated_gpio_property", "gpios_property", "interrupts_property", "interrupt_provider", "interrupt_map",
  "alias_paths",
  "graph_nodes", "graph_port", "graph_endpoint",
  "always_fail",
]; // prettier-ignore

function buildTable(): readonly CheckDefinition[] {
  const all = [
    ...structureChecks,
    ...labelChecks,
    ...referenceChecks,
    ...cellsAndStringsChecks,
    ...addressChecks,
    ...busChecks,
    ...chosenChecks,
    ...providerChecks,
    ...gpioChecks,
    ...interruptChecks,
    ...aliasChecks,
    ...graphChecks,
    alwaysFail,
  ];
  const byName = new Map(all.map((c) => [c.name, c]));
  if (byName.size !== all.length || byName.size !== ORDER.length) throw new Error("check table: duplicate or missing check definitions");
  return ORDER.map((name) => {
    const c = byName.get(name);
    if (!c) throw new Error(`check table: no definition for ${name}`);
    for (const p of c.prerequisites) if (!byName.has(p)) throw new Error(`check table: ${name} needs unknown ${p}`);
    return c;
  });
}

/** Every check, in dtc's order. */
export const checkTable: readonly CheckDefinition[] = buildTable();
