// The PCI tree for the picture: host bridge -> root port / bridge -> function. From the device
// graph's topology when the caller has it (a fresh run); otherwise from DT paths, which name the
// parent of every PCI function described in the tree (a function from --pci has no path and then
// no known parent: it is drawn without an edge rather than guessed from bus numbers).
import type { Report } from "../types.ts";
import type { DeviceTopology, PciRole } from "../topology.ts";

export interface PciTree {
  /** PCI function (or host bridge) name -> the device it hangs from. */
  readonly parent: ReadonlyMap<string, string>;
  /** Host bridges and bridges/ports: the devices other PCI devices hang from. */
  readonly bridges: ReadonlySet<string>;
  readonly role: ReadonlyMap<string, PciRole>;
  /** Where the tree came from, said in the legend. */
  readonly source: "topology" | "paths" | "none";
}

export function pciTreeOf(report: Report, topology?: DeviceTopology): PciTree {
  const parent = new Map<string, string>();
  const role = new Map<string, PciRole>();
  const bridges = new Set<string>();
  if (topology && topology.size > 0) {
    for (const [name, link] of topology) {
      role.set(name, link.role);
      if (link.parent !== null) {
        parent.set(name, link.parent);
        bridges.add(link.parent);
      }
      if (link.role !== "function") bridges.add(name);
    }
    return { parent, bridges, role, source: "topology" };
  }
  const byPath = new Map<string, string>();
  const bus = new Map<string, string>();
  for (const d of report.devices) {
    bus.set(d.name, d.bus);
    if (d.path !== null) byPath.set(d.path, d.name);
  }
  let any = false;
  for (const d of report.devices) {
    if (d.bus !== "pci") continue;
    any = true;
    role.set(d.name, "function");
    if (d.path === null) continue;
    for (let at = d.path.lastIndexOf("/"); at > 0; at = d.path.lastIndexOf("/", at - 1)) {
      const up = byPath.get(d.path.slice(0, at));
      if (up === undefined) continue;
      parent.set(d.name, up);
      bridges.add(up);
      break;
    }
  }
  for (const b of bridges) role.set(b, bus.get(b) === "pci" ? "bridge" : "host-bridge");
  return { parent, bridges, role, source: any ? "paths" : "none" };
}
