// drivers/pci/pci.c and probe.c's state for one boot: the domain allocator
// (of_pci_bus_find_domain_nr's IDAs or counter) with the root buses registered, and which host
// bridge each platform device stands for. Kept apart from host-bridge.ts so that kernel.ts can
// hold it without an import cycle.
import { pciDomainNumbersFor, type Device, type DeviceGraph, type PciDomainNumbers, type PciHostBridge } from "../../graph/index.ts";

export class PciHostState {
  readonly domains: PciDomainNumbers;
  /** The host bridge of each platform device that is one. */
  readonly bridges = new Map<Device, PciHostBridge>();
  /** The domain each registered host bridge's device holds (until its driver goes). */
  readonly live = new Map<Device, number>();

  constructor(graph: DeviceGraph, ida: boolean) {
    this.domains = pciDomainNumbersFor(graph, ida);
    for (const b of graph.hostBridges) {
      const dev = graph.byNode.get(b.node);
      if (dev) this.bridges.set(dev, b);
    }
  }
}
