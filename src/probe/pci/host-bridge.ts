// drivers/pci/probe.c: pci_register_host_bridge, which a DT host bridge's driver reaches at the end
// of its probe (pci_host_probe -> pci_scan_root_bus_bridge), and pci_remove_root_bus from its
// remove: the domain number (pci_bus_find_domain_nr, graph/pci-domain.ts) in the order host
// bridges really bind. The graph named the functions with the numbers of device order, which is
// the bind order when one driver binds every host bridge and none defers; when bind order gives
// another number (bridges of drivers in another link order, a deferral, a rebind: before 6.2 the
// counter never gives a number back) the devices keep the graph's names and a note says which
// number the kernel gives. A registration that fails fails the driver's probe.
import { domainLabel, type DomainNr } from "../../graph/index.ts";
import type { Result } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";

/** pci_register_host_bridge for the host bridge `s` stands for (ok for a device that is none). */
export function pciRegisterHostBridge(k: Kernel, s: DevState): Result<void> {
  const bridge = k.pci.bridges.get(s.dev);
  if (!bridge) return { ok: true, value: undefined };
  const path = s.dev.path ?? s.dev.name;
  const got = k.pci.domains.register(path, bridge.dtDomain, bridge.rootBus);
  if (got.ok && got.kernelError) k.log.emit("log", s.dev, "err", got.kernelError);
  const planned = bridge.registered;
  if (bridge.segmentFromInput) {
    // The names are the --pci file's (a booted board's lspci): say when this kernel numbers it otherwise.
    if (!got.ok || got.domain >>> 0 !== bridge.segment) k.log.note(s, `pci_register_host_bridge gives ${path} ${outcome(got)} in the order host bridges bind here; the --pci topology names its functions with segment ${domainLabel(bridge.segment)}`);
  } else if (outcome(got) !== outcome(planned)) {
    const names = planned.ok ? `its functions are named with domain ${domainLabel(planned.domain)}, which device order gives` : `device order gave it none (${planned.errno})`;
    k.log.note(s, `pci_register_host_bridge gives ${path} ${outcome(got)} in the order host bridges bind here; ${names}`);
  }
  if (!got.ok) return { ok: false, failure: { errno: got.errno, where: "pci_register_host_bridge", message: got.message } };
  k.pci.live.set(s.dev, got.domain);
  return { ok: true, value: undefined };
}

/** pci_remove_root_bus -> pci_bus_release_domain_nr when the host bridge's driver goes. */
export function pciRemoveRootBus(k: Kernel, s: DevState): void {
  const domain = k.pci.live.get(s.dev);
  const bridge = k.pci.bridges.get(s.dev);
  if (domain === undefined || !bridge) return;
  k.pci.live.delete(s.dev);
  k.pci.domains.unregister(bridge.dtDomain, domain, bridge.rootBus);
}

function outcome(d: DomainNr): string {
  return d.ok ? `domain ${domainLabel(d.domain)}` : `no domain (${d.errno})`;
}
