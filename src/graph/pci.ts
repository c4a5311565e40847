// PCI functions behind a DT host bridge: from the --pci file when it describes the bridge, else
// from the PCI child nodes in the tree (reg phys.hi carries bus and devfn).
import { propertyCells, propertyString, toOfNode } from "../of/index.ts";
import type { DtNode } from "../tree/model.ts";
import { ofGetPciDomainNr } from "./pci-domain.ts";
import { quirkDmaAliases, quirkPcieBridgeAlias } from "./pci-quirks.ts";
import type { AcsFlag, PciFunctionInput, PciHostBridgeInput } from "./pci-topology.ts";
import type { DomainNr, GraphNote, PciFunction, PciHostBridge } from "./types.ts";

/** drivers that set driver_managed_dma (vfio-pci and its variants, pci-stub since 5.19). */
const DRIVER_MANAGED_DMA_PCI = new Set(["vfio-pci", "pci-stub", "mlx5_vfio_pci", "hisi_acc_vfio_pci", "nvgrace_gpu_vfio_pci"]);

export function isPciBusNode(node: DtNode): boolean {
  // Most nodes have no device_type: answer from the lookup alone, without decoding.
  if (!node.property("device_type")) return false;
  const t = propertyString(node, "device_type");
  return t === "pci" || t === "pciex";
}

/** A host bridge: a PCI bus node whose parent is not itself a PCI bus. */
export function isPciHostBridgeNode(node: DtNode): boolean {
  return isPciBusNode(node) && !(node.parent && isPciBusNode(node.parent));
}

function hexValue(s: string | undefined): number {
  return s ? parseInt(s, 16) : 0;
}

function rootBusOf(node: DtNode): number {
  return propertyCells(node, "bus-range")?.[0] ?? 0;
}

function makeFunction(
  bridge: PciHostBridge,
  bus: number,
  devfn: number,
  f: Omit<PciFunction, "hostBridge" | "segment" | "bus" | "devfn" | "slot" | "fn" | "rid" | "upstream" | "dev" | "dmaAliasDevfns" | "pcieBridgeAlias"> & { extraAliases: number[] },
): PciFunction {
  // pci_scan_slot (drivers/pci/probe.c, 6.1 and 6.12) sets dev->multifunction on every function
  // after 0 it finds, whatever that function's header type says; function 0 keeps its header bit.
  const multifunction = f.multifunction || (devfn & 7) > 0;
  const quirk = { vendor: f.vendor, device: f.device, pcie: f.pcie, multifunction, fn: devfn & 7 };
  const aliases = [...new Set([...quirkDmaAliases(quirk, devfn), ...f.extraAliases])].filter((d) => d !== devfn).sort((a, b) => a - b);
  return {
    hostBridge: bridge,
    segment: bridge.segment,
    bus,
    devfn,
    slot: devfn >> 3,
    fn: devfn & 7,
    rid: (bus << 8) | devfn,
    vendor: f.vendor,
    device: f.device,
    classCode: f.classCode,
    driver: f.driver,
    driverManagedDma: f.driverManagedDma,
    header: f.header,
    multifunction,
    pcie: f.pcie,
    secondary: f.secondary,
    subordinate: f.subordinate,
    acs: f.acs,
    dmaAliasDevfns: aliases,
    pcieBridgeAlias: quirkPcieBridgeAlias(quirk),
    untrusted: f.untrusted,
    upstream: null,
    dev: undefined,
    source: f.source,
  };
}

/** A function from a `--pci` entry (also a hot-added one: graph/hotplug.ts). */
export function fromInput(bridge: PciHostBridge, input: PciFunctionInput): PciFunction {
  const m = /^([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(input.bdf)!;
  const bus = parseInt(m[1]!, 16);
  const devfn = (parseInt(m[2]!, 16) << 3) | Number(m[3]);
  const acs = input.acs ? { cap: new Set<AcsFlag>(input.acs.cap), ctrl: new Set<AcsFlag>(input.acs.ctrl) } : null;
  const driver = input.driver === undefined ? undefined : input.driver;
  return makeFunction(bridge, bus, devfn, {
    vendor: hexValue(input.vendor),
    device: hexValue(input.device),
    classCode: hexValue(input.class),
    driver,
    driverManagedDma: input.driverManagedDma ?? (typeof driver === "string" && DRIVER_MANAGED_DMA_PCI.has(driver)),
    header: input.header ?? 0,
    multifunction: input.multifunction ?? false,
    pcie: input.pcie ?? null,
    secondary: input.secondary,
    subordinate: input.subordinate,
    acs,
    untrusted: input.untrusted ?? false,
    source: "pci-file",
    extraAliases: (input.dmaAliases ?? []).map((s) => {
      const [d, fn] = s.split(".");
      return (parseInt(d!, 16) << 3) | Number(fn);
    }),
  });
}

/** The slot a PCI child node's reg names (phys.hi bits 15-11), undefined without a reg. */
function slotOfNode(node: DtNode): number | undefined {
  const hi = propertyCells(node, "reg")?.[0];
  return hi === undefined ? undefined : (hi >>> 11) & 0x1f;
}

/**
 * Functions described as DT children (`reg = <phys.hi ...>`), bridges recursively. Iterative.
 * Only the devfn of `reg` matters: the kernel matches a DT node to a function by devfn among the
 * children of its bus's node (of_pci_find_child_device), and numbers the buses itself
 * (pci_scan_bridge_extend, depth first: a bridge's secondary bus is one above the highest bus
 * numbered so far). So a function's bus is the secondary bus of the bridge node above it. A
 * bridge's `bus-range` is kept when it can be what enumeration gave (above the bridge's own bus,
 * not taken: firmware may have set the bridge up so); otherwise the bus is numbered as the kernel
 * would, silently, as the kernel ignores it (a bridge whose bus range started at its own bus used
 * to become its own upstream: a hang).
 */
function fromTree(bridge: PciHostBridge, host: DtNode, notes: GraphNote[]): PciFunction[] {
  const out: PciFunction[] = [];
  const taken = new Set<number>([bridge.rootBus]);
  let highest = bridge.rootBus;
  const stack: { node: DtNode; depth: number; bus: number }[] = host.children.map((c) => ({ node: c, depth: 0, bus: bridge.rootBus })).reverse();
  while (stack.length > 0) {
    const { node, depth, bus } = stack.pop()!;
    const reg = propertyCells(node, "reg");
    if (!reg || reg.length === 0) continue;
    const devfn = (reg[0]! >>> 8) & 0xff;
    const isBridge = isPciBusNode(node);
    const busRange = propertyCells(node, "bus-range");
    let secondary: number | undefined;
    if (isBridge) {
      let wanted = busRange?.[0];
      if (wanted === undefined) {
        const childReg = node.children.map((c) => propertyCells(c, "reg")?.[0]).find((v) => v !== undefined);
        if (childReg !== undefined) wanted = (childReg >>> 16) & 0xff;
      }
      // The kernel never reads a PCI-PCI bridge's bus-range (of_pci_parse_bus_range runs only on
      // the host bridge's node, devm_of_pci_get_host_bridge_resources), so a range that cannot be
      // right (tegra's root ports: <0x00 0xff>) is nothing it would complain about: no note.
      if (wanted !== undefined && wanted > bus && wanted <= 0xff && !taken.has(wanted)) secondary = wanted;
      else if (highest < 0xff) secondary = highest + 1;
      else notes.push({ node: toOfNode(node), code: "pci-bus-range", message: `${node.path}: no bus number left for the bus behind this bridge (256 buses); the functions below it are not enumerated` });
      if (secondary !== undefined) {
        taken.add(secondary);
        highest = Math.max(highest, secondary);
      }
    }
    // The PCI bus binding's compatible "pciVVVV,DDDD" names the IDs when vendor-id/device-id do not.
    const named = /^pci([0-9a-f]{4}),([0-9a-f]{4})$/i.exec(propertyString(node, "compatible") ?? "");
    const ids = propertyCells(node, "vendor-id")?.[0] ?? (named ? parseInt(named[1]!, 16) : undefined);
    const dev = propertyCells(node, "device-id")?.[0] ?? (named ? parseInt(named[2]!, 16) : undefined);
    // The tree has no header type: a slot the tree gives several functions must have function 0's
    // multifunction bit set, or the kernel would not have scanned the others (next_fn).
    const slotShared = node.parent!.children.some((c) => c !== node && slotOfNode(c) === devfn >> 3);
    out.push(
      makeFunction(bridge, bus, devfn, {
        vendor: ids ?? 0,
        device: dev ?? 0,
        classCode: propertyCells(node, "class-code")?.[0] ?? (isBridge ? 0x060400 : 0),
        driver: isBridge ? "pcieport" : undefined,
        driverManagedDma: false,
        header: isBridge ? 1 : 0,
        multifunction: slotShared,
        pcie: isBridge ? (depth === 0 ? "root-port" : "switch-downstream") : "endpoint",
        secondary,
        subordinate: secondary === undefined ? undefined : Math.max(secondary, busRange?.[1] ?? secondary),
        acs: null,
        untrusted: false,
        source: "tree",
        extraAliases: [],
      }),
    );
    // Only a bridge's children are functions (an endpoint's children are its own business: a
    // USB hub, an Ethernet PHY).
    if (secondary === undefined) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: depth + 1, bus: secondary });
  }
  return out;
}

/** The parts of a host bridge pci_register_host_bridge needs: its domain comes from them. */
export function hostBridgeIdentity(node: DtNode): { readonly dtDomain: number | undefined; readonly rootBus: number } {
  return { dtDomain: ofGetPciDomainNr(node), rootBus: rootBusOf(node) };
}

/**
 * Builds one host bridge: functions, multifunction bits, upstream links, enumeration order.
 * `domain` is what pci_register_host_bridge gave it (pci-domain.ts); when registration fails,
 * the bridge has no functions (pci_host_probe fails before it scans the bus). A `--pci` file's
 * `segment` names the functions as the user saw them (lspci).
 */
export function buildHostBridge(node: DtNode, input: PciHostBridgeInput | undefined, notes: GraphNote[], domain: DomainNr): PciHostBridge {
  const functions: PciFunction[] = [];
  const { dtDomain, rootBus } = hostBridgeIdentity(node);
  // An int printed with %04x: domain -1 (the pre-6.2 "inconsistent" case) names buses ffffffff:NN.
  const segment = input?.segment ?? (domain.ok ? domain.domain >>> 0 : (dtDomain ?? 0));
  const bridge: PciHostBridge = { node: toOfNode(node), segment, segmentFromInput: input?.segment !== undefined, dtDomain, registered: domain, functions, rootBus };
  if (!domain.ok) {
    notes.push({ node: bridge.node, code: "pci-domain", message: `${domain.message}; no PCI function behind it is enumerated` });
    return bridge;
  }
  if (domain.kernelError) notes.push({ node: bridge.node, code: "pci-domain", message: `${node.path}: pci_bus_find_domain_nr: "${domain.kernelError}" (dev_err): some host bridges have linux,pci-domain and some not; this one gets domain -1, its buses ffffffff:NN` });
  const raw = input ? input.functions.map((f) => fromInput(bridge, f)) : fromTree(bridge, node, notes);
  const seen = new Map<number, PciFunction>();
  for (const f of raw) {
    if (seen.has(f.rid)) {
      notes.push({ node: bridge.node, code: "pci-duplicate-function", message: `${node.path}: PCI function ${f.bus.toString(16)}:${(f.devfn >> 3).toString(16)}.${f.fn} listed twice; the first is used` });
      continue;
    }
    seen.set(f.rid, f);
  }
  // Secondary bus -> bridge, to link each function to the bridge above it. Only a bridge whose
  // secondary bus is above its own bus can lead anywhere (checkPciTopology reports the others
  // in a --pci file), and the first bridge to a bus keeps it: every upstream link then goes to
  // a lower bus number, so no chain of upstream links can loop.
  const bridgeFor = new Map<number, PciFunction>();
  for (const f of seen.values()) {
    if (f.secondary !== undefined && f.header === 1 && f.secondary > f.bus && !bridgeFor.has(f.secondary)) bridgeFor.set(f.secondary, f);
  }
  const byBus = new Map<number, PciFunction[]>();
  for (const f of seen.values()) {
    f.upstream = f.bus === bridge.rootBus ? null : (bridgeFor.get(f.bus) ?? null);
    // A --pci file's functions were checked against the list with their lines (checkPciTopology).
    if (f.bus !== bridge.rootBus && !f.upstream && f.source === "tree") {
      notes.push({ node: bridge.node, code: "pci-orphan-function", message: `${node.path}: no bridge in the PCI topology has secondary bus ${f.bus}; treated as a root-bus function` });
    }
    const list = byBus.get(f.bus) ?? [];
    list.push(f);
    byBus.set(f.bus, list);
  }
  for (const list of byBus.values()) list.sort((a, b) => a.devfn - b.devfn);
  // pci_bus_add_devices: every function of a bus, then each bridge's child bus (depth first).
  const visited = new Set<number>();
  const stack: number[] = [bridge.rootBus];
  const orphanBuses = [...byBus.keys()].filter((b) => b !== bridge.rootBus && !bridgeFor.has(b)).sort((a, b) => b - a);
  stack.unshift(...orphanBuses);
  while (stack.length > 0) {
    const bus = stack.pop()!;
    if (visited.has(bus)) continue;
    visited.add(bus);
    const list = byBus.get(bus) ?? [];
    functions.push(...list);
    const children = list.filter((f) => f.secondary !== undefined && bridgeFor.get(f.secondary) === f && byBus.has(f.secondary)).map((f) => f.secondary!);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return bridge;
}
