// The PCI tree a picture draws: which bridge (or host bridge) each PCI function hangs from. The
// JSON report names devices but not their parents, so a picture of a freshly run board takes this
// from the device graph (pci_scan_bridge's secondary buses, as `--pci` or the tree gave them);
// a report read back from JSON falls back to DT paths (see pciTreeOf in dot/pci-tree.ts).
import type { DeviceGraph, PcieType } from "../graph/index.ts";

/** What a PCI function is in the tree: a port or bridge (has a secondary bus) or an endpoint. */
export type PciRole = PcieType | "bridge" | "host-bridge" | "function";

export interface PciLink {
  /** dev_name of the upstream bridge, or of the host bridge's platform device on a root bus. */
  readonly parent: string | null;
  readonly role: PciRole;
}

/** dev_name -> link, for PCI functions and the host bridges they hang from. */
export type DeviceTopology = ReadonlyMap<string, PciLink>;

/** The PCI tree of a device graph (empty when the board has no PCI). */
export function topologyOf(graph: DeviceGraph): DeviceTopology {
  const links = new Map<string, PciLink>();
  for (const host of graph.hostBridges) {
    const hostDev = graph.byNode.get(host.node);
    if (hostDev) links.set(hostDev.name, { parent: null, role: "host-bridge" });
    for (const fn of host.functions) {
      if (!fn.dev) continue;
      const parent = fn.upstream?.dev?.name ?? hostDev?.name ?? null;
      const role: PciRole = fn.pcie && fn.pcie !== "endpoint" && fn.pcie !== "legacy-endpoint" && fn.pcie !== "rc-integrated-endpoint" ? fn.pcie : fn.header === 1 ? "bridge" : "function";
      links.set(fn.dev.name, { parent, role });
    }
  }
  return links;
}
