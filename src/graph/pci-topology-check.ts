// The `--pci` input checked against the board (pci-topology.ts reads it): every host bridge and
// function it lists is used or reported at its line.
import { isAvailable, propertyString } from "../of/index.ts";
import type { DiagnosticSink, Span } from "../source/index.ts";
import { findNodeByPath } from "../tree/find.ts";
import type { DeviceTree } from "../tree/model.ts";
import { jsonSpan } from "./json-input.ts";
import { isPciHostBridgeNode } from "./pci.ts";
import type { PciFunctionInput, PciHostBridgeInput, PciTopology } from "./pci-topology.ts";

function bdfText(bus: number, devfn: number): string {
  return `${bus.toString(16).padStart(2, "0")}:${(devfn >> 3).toString(16).padStart(2, "0")}.${devfn & 7}`;
}

/** "BB:DD.F" -> bus and devfn (the schema has checked the form). */
export function parseBdf(bdf: string): { bus: number; devfn: number } {
  const m = /^([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(bdf)!;
  return { bus: parseInt(m[1]!, 16), devfn: (parseInt(m[2]!, 16) << 3) | Number(m[3]) };
}

const lineOf = (s: Span | undefined): string => (s ? `line ${s.file.positionAt(s.start).line}` : "an earlier entry");

/**
 * Checks a `--pci` topology against the board, so that every entry is used or reported at its
 * line: a host bridge the tree does not have (error), a node that is not a PCI host bridge
 * (error), a disabled one (warning: the kernel never probes it), a host bridge or a BDF listed
 * twice (error: one of them would be ignored), a bridge whose secondary bus is not above its own
 * bus or above its subordinate bus, or that shares its secondary bus with another bridge (error:
 * pci_scan_bridge_extend calls such a configuration invalid and renumbers), and a function on a
 * bus no bridge leads to (warning: it is treated as a root-bus function).
 */
export function checkPciTopology(topology: PciTopology, tree: DeviceTree, sink: DiagnosticSink): void {
  const code = "pci-topology";
  const bridges = new Map<string, PciHostBridgeInput>();
  for (const h of topology.hostBridges) {
    const at = jsonSpan(h, "node");
    const earlier = bridges.get(h.node);
    if (earlier) {
      sink.error(code, `host bridge ${h.node} is listed twice (also at ${lineOf(jsonSpan(earlier, "node"))}): one list of functions per host bridge`, at);
      continue;
    }
    bridges.set(h.node, h);
    const node = findNodeByPath(tree, h.node);
    if (!node) {
      const known = [...tree.root.walk()].filter(isPciHostBridgeNode).map((n) => n.path);
      sink.error(code, `host bridge ${h.node}: the board has no such node (${known.length > 0 ? `its PCI host bridges: ${known.join(", ")}` : "it has no PCI host bridge"})`, at);
      continue;
    }
    if (!isPciHostBridgeNode(node)) {
      sink.error(code, `${h.node} is not a PCI host bridge (a node with device_type "pci" or "pciex" whose parent is not a PCI bus)`, at);
      continue;
    }
    if (!isAvailable(node)) sink.warning(code, `host bridge ${h.node} is disabled (status = "${propertyString(node, "status") ?? ""}"): the kernel never probes it, so its functions are not used`, at);
    checkFunctions(h, sink);
  }
}

function checkFunctions(h: PciHostBridgeInput, sink: DiagnosticSink): void {
  const code = "pci-topology";
  const byRid = new Map<number, PciFunctionInput>();
  const bridgeFor = new Map<number, PciFunctionInput>();
  for (const f of h.functions) {
    const { bus, devfn } = parseBdf(f.bdf);
    const at = jsonSpan(f, "bdf");
    const rid = (bus << 8) | devfn;
    const earlier = byRid.get(rid);
    if (earlier) {
      sink.error(code, `${h.node}: PCI function ${bdfText(bus, devfn)} is listed twice (also at ${lineOf(jsonSpan(earlier, "bdf"))})`, at);
      continue;
    }
    byRid.set(rid, f);
    if (f.secondary === undefined) continue;
    const secAt = jsonSpan(f, "secondary") ?? at;
    if ((f.header ?? 0) !== 1) {
      sink.warning(code, `${h.node}: ${f.bdf} gives a secondary bus but is not a bridge (header ${f.header ?? 0}, not 1): the secondary bus is not used`, secAt);
      continue;
    }
    if (f.secondary <= bus) {
      sink.error(code, `${h.node}: bridge ${f.bdf}: secondary bus ${f.secondary} is not above its own bus ${bus} (pci_scan_bridge_extend: "bridge configuration invalid", renumbered by the kernel)`, secAt);
      continue;
    }
    if (f.subordinate !== undefined && f.subordinate < f.secondary) {
      sink.error(code, `${h.node}: bridge ${f.bdf}: subordinate bus ${f.subordinate} is below its secondary bus ${f.secondary}`, jsonSpan(f, "subordinate") ?? secAt);
      continue;
    }
    const other = bridgeFor.get(f.secondary);
    if (other) {
      sink.error(code, `${h.node}: bridges ${other.bdf} and ${f.bdf} both lead to bus ${f.secondary} (also at ${lineOf(jsonSpan(other, "secondary"))})`, secAt);
      continue;
    }
    bridgeFor.set(f.secondary, f);
  }
  const root = [...byRid.keys()].reduce((m, rid) => Math.min(m, rid >> 8), 256);
  for (const f of byRid.values()) {
    const { bus } = parseBdf(f.bdf);
    if (bus !== root && !bridgeFor.has(bus)) {
      sink.warning(code, `${h.node}: no bridge in this list leads to bus ${bus} (a bridge with "secondary": ${bus}); ${f.bdf} is treated as a function of the root bus`, jsonSpan(f, "bdf"));
    }
  }
}
