// What building the device graph could not use as the tree says (a PCI bus range that cannot be
// right, two devices with one name, an AMBA device without `reg`, a --pci host bridge that is
// not populated), as warnings at the node: every input is used or reported.
import { ofNodeSpan } from "../of/index.ts";
import type { DiagnosticSink } from "../source/index.ts";
import type { DeviceGraph } from "./types.ts";

export function reportGraphNotes(graph: DeviceGraph, sink: DiagnosticSink): void {
  for (const n of graph.notes) sink.warning(n.code, n.message, n.node ? ofNodeSpan(n.node) : undefined);
}
