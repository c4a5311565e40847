// The PCI domain (segment) number of each DT host bridge's root bus: pci_register_host_bridge
// (drivers/pci/probe.c) -> pci_bus_find_domain_nr -> of_pci_bus_find_domain_nr (drivers/pci/pci.c,
// CONFIG_PCI_DOMAINS_GENERIC: arm and arm64 with DT), then pci_find_bus(domain, root bus) refuses a
// root bus that already exists. Numbers go to host bridges in the order they register, i.e. the
// order their drivers probe them; the graph assigns them in device order (see populate.ts) and the
// probe layer replays this allocator in bind order (src/probe/pci/host-bridge.ts).
import { propertyString, propertyU32 } from "../of/index.ts";
import type { DtNode } from "../tree/model.ts";
import type { DeviceGraph, DomainNr } from "./types.ts";

/**
 * "ida": 6.2+ (c14f7ccc9f5d, PCI: Assign PCI domain IDs by ida_alloc()): two IDAs, numbers are
 * given back when a bridge goes. "counter": before, an ever-growing counter and the first bridge
 * deciding whether DT numbers or counted ones are used.
 */
export type PciDomainRule = "ida" | "counter";

/** of_get_pci_domain_nr: `linux,pci-domain` cut to 16 bits; undefined without it (or shorter than a cell). */
export function ofGetPciDomainNr(node: DtNode): number | undefined {
  const v = propertyU32(node, "linux,pci-domain");
  return v === undefined ? undefined : v & 0xffff;
}

/**
 * of_pci_reserve_static_domain_nr: the numbers `linux,pci-domain` claims on every node whose
 * device_type is exactly "pci" (for_each_node_by_type: disabled nodes too; a "pciex" node is not
 * looked at), whatever the node is. Iterative.
 */
export function dtClaimedPciDomains(root: DtNode): number[] {
  const out: number[] = [];
  const stack: DtNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.property("device_type") && propertyString(n, "device_type") === "pci") {
      const d = ofGetPciDomainNr(n);
      if (d !== undefined) out.push(d);
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** The allocator state of one boot: what drivers/pci/pci.c keeps in its statics. */
export class PciDomainNumbers {
  // 6.2+: pci_domain_nr_static_ida / pci_domain_nr_dynamic_ida.
  private readonly staticIda = new Set<number>();
  private readonly dynamicIda = new Set<number>();
  private reserved = false;
  // Before 6.2: __domain_nr (atomic, starts at -1) and use_dt_domains (-1 undecided, 0, 1).
  private counter = -1;
  private useDtDomains = -1;
  /** pci_find_bus: "domain:rootbus" of every registered root bus -> the host bridge's path. */
  private readonly rootBuses = new Map<string, string>();

  constructor(
    readonly rule: PciDomainRule,
    /** dtClaimedPciDomains of the tree, read on the first allocation (as the kernel does). */
    private readonly claimed: () => readonly number[],
  ) {}

  /**
   * pci_register_host_bridge's domain for the bridge at `path` (`dtDomain`: its
   * of_get_pci_domain_nr) and root bus `rootBus`; on success the root bus is registered.
   */
  register(path: string, dtDomain: number | undefined, rootBus: number): DomainNr {
    const found = this.find(path, dtDomain);
    if (!found.ok) return found;
    const key = `${found.domain}:${rootBus}`;
    const other = this.rootBuses.get(key);
    if (other !== undefined) {
      this.release(dtDomain, found.domain);
      const label = domainLabel(found.domain);
      return { ok: false, errno: "-EEXIST", message: `${path}: root bus ${label}:${hex2(rootBus)} already exists (${other}); pci_register_host_bridge: pci_find_bus finds it ("bus already known", a dev_dbg), -EEXIST` };
    }
    this.rootBuses.set(key, path);
    return found;
  }

  /** pci_bus_release_domain_nr and the root bus going (pci_remove_root_bus). */
  unregister(dtDomain: number | undefined, domain: number, rootBus: number): void {
    this.rootBuses.delete(`${domain}:${rootBus}`);
    this.release(dtDomain, domain);
  }

  private find(path: string, dtDomain: number | undefined): DomainNr {
    if (this.rule === "counter") return this.findCounted(path, dtDomain);
    if (!this.reserved) {
      // Numbers DT claims are taken for good in the dynamic IDA (a failed take changes nothing).
      for (const d of this.claimed()) this.dynamicIda.add(d);
      this.reserved = true;
    }
    if (dtDomain !== undefined) {
      if (this.staticIda.has(dtDomain)) {
        return { ok: false, errno: "-ENOSPC", message: `${path}: linux,pci-domain = <${dtDomain}> is taken by an earlier host bridge; of_pci_bus_find_domain_nr: ida_alloc_range fails, -ENOSPC, and pci_register_host_bridge with it` };
      }
      this.staticIda.add(dtDomain);
      return { ok: true, domain: dtDomain };
    }
    let d = 0;
    while (this.dynamicIda.has(d)) d++;
    this.dynamicIda.add(d);
    return { ok: true, domain: d };
  }

  private findCounted(path: string, dtDomain: number | undefined): DomainNr {
    if (dtDomain !== undefined && this.useDtDomains !== 0) {
      this.useDtDomains = 1;
      return { ok: true, domain: dtDomain };
    }
    if (dtDomain === undefined && this.useDtDomains !== 1) {
      this.useDtDomains = 0;
      return { ok: true, domain: ++this.counter };
    }
    // Nothing checks the -1: the buses are named ffffffff:NN.
    return { ok: true, domain: -1, kernelError: `Node ${path} has inconsistent "linux,pci-domain" property in DT` };
  }

  private release(dtDomain: number | undefined, domain: number): void {
    if (this.rule === "counter" || domain < 0) return; // the counter never gives a number back
    if (dtDomain === domain) this.staticIda.delete(domain);
    else this.dynamicIda.delete(domain);
  }
}

/**
 * A fresh allocator for a boot of `graph`'s board (`ida`: the kernel has c14f7ccc9f5d), for the
 * probe layer's replay in bind order.
 */
export function pciDomainNumbersFor(graph: DeviceGraph, ida: boolean): PciDomainNumbers {
  return new PciDomainNumbers(ida ? "ida" : "counter", () => dtClaimedPciDomains(graph.tree.root));
}

/** %04x of the int domain number (-1 prints as ffffffff). */
export function domainLabel(domain: number): string {
  return (domain >>> 0).toString(16).padStart(4, "0");
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, "0");
}
