// of_platform_default_populate_init + of_platform_populate (drivers/of/platform.c), plus the
// devices that bound drivers create later (children populated by a driver, PCI functions), so
// the probe emulation can add them when their creator binds.
import { compatibleList, compatibleOf, isAvailable, PhandleIndex, propertyCells, propertyString, readReg, toOfNode, type OfNode } from "../of/index.ts";
import { kernelFeatures, type KernelVersion } from "../kernel/index.ts";
import type { DeviceTree, DtNode } from "../tree/model.ts";
import { DmaFactsReader } from "./dma-facts.ts";
import { NOT_IN_TREE, scanTree, type TreeScan } from "./of-scan.ts";
import { detectArch } from "./arch.ts";
import { pciDeviceName, platformDeviceName } from "./naming.ts";
import { registerHostBridge } from "./hotplug.ts";
import { buildHostBridge, hostBridgeIdentity, isPciBusNode, isPciHostBridgeNode } from "./pci.ts";
import { dtClaimedPciDomains, PciDomainNumbers } from "./pci-domain.ts";
import type { PciTopology } from "./pci-topology.ts";
import type { BusType, Device, DeviceGraph, DeviceOrigin, DmaFacts, GraphNote, IommuProvider, PciFunction, PciHostBridge } from "./types.ts";

export interface GraphOptions {
  readonly pci?: PciTopology;
  /**
   * The driver that creates platform devices for a node's DT children when it binds
   * (devm_of_platform_populate in its probe); the driver tables live above the graph
   * (probe/drivers/table.ts childPopulatingDriver). Absent: no driver creates children.
   */
  readonly populatingDriver?: (compatible: readonly string[]) => string | undefined;
  /**
   * The child nodes (by node name) a node's driver registers as platform devices of their own
   * when it binds (platform_device_register_full with the child as fwnode: firmware sub-devices);
   * the tables live above the graph (probe/drivers/registered-children.ts). Absent: none.
   */
  readonly registeringDriver?: (compatible: readonly string[]) => readonly string[] | undefined;
  /** The kernel emulated: which PCI domain allocator numbers the host bridges (absent: 6.2+'s). */
  readonly kernel?: KernelVersion;
}

/** of_default_bus_match_table (CONFIG_ARM_AMBA on arm/arm64 adds arm,amba-bus). */
const BUS_COMPATIBLES = new Set(["simple-bus", "simple-mfd", "isa", "arm,amba-bus"]);
/** of_skipped_node_table. */
const SKIPPED_COMPATIBLES = new Set(["operating-points-v2"]);
/** reserved_mem_matches: reserved-memory children created as devices before the rest. */
const NO_COMPATIBLE: readonly string[] = [];
const RESERVED_MEM_DEVICES = new Set(["qcom,rmtfs-mem", "qcom,cmd-db", "qcom,smem", "ramoops", "nvmem-rmem", "google,open-dice"]);

function anyIn(compat: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < compat.length; i++) if (set.has(compat[i]!)) return true;
  return false;
}

/** What populating needs to know about one compatible list. */
interface CompatibleFacts {
  /** In of_skipped_node_table. */
  readonly skipped: boolean;
  /** "arm,primecell": an AMBA device, never a bus. */
  readonly primecell: boolean;
  /** In of_default_bus_match_table. */
  readonly bus: boolean;
  /** The modelled driver that populates the children when it binds (driver-populate.ts). */
  readonly populating: string | undefined;
  /** Child node names the driver registers as devices of their own when it binds. */
  readonly registers: readonly string[] | undefined;
}

/** A Device while the graph is built: its DMA facts are filled in by the tree scan. */
type BuildingDevice = { -readonly [K in keyof Device]: Device[K] };

/** Until the scan reads a device's node (every device with a node is read). */
const NOT_SCANNED: DmaFacts = Object.freeze({ coherent: false, ranges: null, iommus: null, firstIommu: undefined, iommuMap: null, reserved: [] });

class GraphBuilder {
  readonly devices: BuildingDevice[] = [];
  readonly byNode = new Map<DtNode, Device>();
  readonly createdBy = new Map<Device, Device[]>();
  readonly hostBridges: PciHostBridge[] = [];
  readonly notes: GraphNote[] = [];
  /** Device names taken, per bus (sysfs: one namespace per bus). */
  private readonly names = new Map<BusType, Set<string>>();
  /** OF_POPULATED_BUS: nodes whose children were already walked. */
  private readonly populatedBus = new Set<DtNode>();

  /**
   * CompatibleFacts per compatible list. compatibleList gives every node with the same
   * `compatible` value the same list, so a board of 200,000 devices has a few dozen entries, and
   * the set lookups and driver-table regexps run once per list instead of once per device.
   */
  private readonly facts = new Map<readonly string[], CompatibleFacts>();
  /** Devices whose node is a PCI host bridge, in device order (addPciFunctions walks them). */
  private readonly hostBridgeDevices: Device[] = [];

  /** Full paths of the nodes devices sit on, and of their ancestors (each computed once). */
  private readonly paths = new Map<DtNode, string>();

  constructor(
    private readonly options: GraphOptions,
    readonly dmaFacts: DmaFactsReader,
  ) {}

  /** %pOF through the cache: up to the first ancestor already named (no recursion). */
  private pathOf(n: DtNode): string {
    const chain: DtNode[] = [];
    let at: DtNode | null = n;
    let base: string | undefined;
    while (at && (base = this.paths.get(at)) === undefined) {
      chain.push(at);
      at = at.parent;
    }
    let p = base ?? "";
    for (let k = chain.length - 1; k >= 0; k--) {
      const c = chain[k]!;
      p = c.parent ? (p === "/" ? `/${c.name}` : `${p}/${c.name}`) : "/";
      this.paths.set(c, p);
    }
    return p;
  }

  private factsOf(compat: readonly string[]): CompatibleFacts {
    let f = this.facts.get(compat);
    if (!f) {
      f = {
        skipped: anyIn(compat, SKIPPED_COMPATIBLES),
        primecell: compat.includes("arm,primecell"),
        bus: anyIn(compat, BUS_COMPATIBLES),
        populating: this.options.populatingDriver?.(compat),
        registers: this.options.registeringDriver?.(compat),
      };
      this.facts.set(compat, f);
    }
    return f;
  }

  private add(node: DtNode | null, name: string, bus: BusType, parent: Device | null, origin: DeviceOrigin, creator: Device | null, pci: PciFunction | null, compatible: readonly string[]): BuildingDevice | undefined {
    let taken = this.names.get(bus);
    if (!taken) this.names.set(bus, (taken = new Set()));
    // One hash lookup instead of has() + add(): the set does not grow when the name is taken.
    const before = taken.size;
    taken.add(name);
    if (taken.size === before) {
      // device_add fails: sysfs refuses a second device of the same name on the bus.
      this.notes.push({ node: node ? toOfNode(node) : null, code: "duplicate-device-name", message: `${node?.path ?? name}: a ${bus} device named ${name} already exists; device_add fails with -EEXIST` });
      return undefined;
    }
    const dev: BuildingDevice = { id: this.devices.length, name, bus, node: node ? toOfNode(node) : null, path: node ? this.pathOf(node) : null, parent, compatible, origin, creator, pci, dma: NOT_SCANNED };
    this.devices.push(dev);
    if (node) this.byNode.set(node, dev);
    if (creator) {
      const list = this.createdBy.get(creator) ?? [];
      list.push(dev);
      this.createdBy.set(creator, list);
    }
    return dev;
  }

  /** of_platform_device_create_pdata / of_amba_device_create for one node (no recursion). */
  private createOne(node: DtNode, compat: readonly string[], facts: CompatibleFacts, parent: Device | null, origin: DeviceOrigin, creator: Device | null): Device | undefined {
    if (!isAvailable(node) || this.byNode.has(node)) return undefined;
    const amba = facts.primecell;
    if (amba && !propertyCells(node, "reg")?.length) {
      this.notes.push({ node: toOfNode(node), code: "amba-no-reg", message: `amba: of_address_to_resource() failed (-22) for ${node.path}` });
      return undefined;
    }
    const dev = this.add(node, platformDeviceName(node), amba ? "amba" : "platform", parent, origin, creator, null, compat);
    if (dev) this.scheduleDriverChildren(dev, facts);
    return dev;
  }

  /**
   * of_platform_bus_create(bus, matches = default table, strict): returns after creating one
   * device unless it is a bus; walks the tree with an explicit stack (DT order is preserved).
   */
  populate(roots: readonly DtNode[], parent: Device | null, origin: DeviceOrigin, creator: Device | null, matchBuses: boolean): void {
    // Two parallel stacks instead of a {node, parent} object per node.
    const nodes: DtNode[] = [];
    const parents: (Device | null)[] = [];
    for (let i = roots.length - 1; i >= 0; i--) {
      nodes.push(roots[i]!);
      parents.push(parent);
    }
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const p = parents.pop() as Device | null;
      const compatProp = node.property("compatible");
      if (!compatProp) continue; // strict: no compatible, no device, no children
      const compat = compatibleOf(compatProp);
      const facts = this.factsOf(compat);
      if (facts.skipped) continue;
      if (this.populatedBus.has(node)) continue;
      if (facts.primecell) {
        this.createOne(node, compat, facts, p, origin, creator);
        continue;
      }
      const dev = this.createOne(node, compat, facts, p, origin, creator);
      if (!dev || !matchBuses || !facts.bus) continue;
      this.populatedBus.add(node);
      for (let i = node.children.length - 1; i >= 0; i--) {
        nodes.push(node.children[i]!);
        parents.push(dev);
      }
    }
  }

  /** Children created later by the device's own driver (table in driver-populate.ts). */
  private scheduleDriverChildren(dev: Device, facts: CompatibleFacts): void {
    const node = dev.node as unknown as DtNode;
    if (isPciHostBridgeNode(node)) {
      // Every device with a node comes through here, in device order: addPciFunctions walks
      // this list instead of testing every device again at the end (when its node is cold).
      this.hostBridgeDevices.push(dev);
      return; // handled by addPciFunctions
    }
    if (facts.registers) this.registered.push({ creator: dev, names: facts.registers });
    if (!facts.populating) return;
    // devm_of_platform_populate(dev): matches = NULL, so grandchildren are not walked.
    this.pending.push({ creator: dev, children: node.children });
  }

  readonly pending: { creator: Device; children: readonly DtNode[] }[] = [];
  private readonly registered: { creator: Device; names: readonly string[] }[] = [];

  /** Resolves driver-populated children (which may themselves populate) breadth-first. */
  flushPending(): void {
    for (let i = 0; i < this.pending.length || this.registered.length > 0; i++) {
      if (i < this.pending.length) {
        const { creator, children } = this.pending[i]!;
        this.populate(children, creator, "driver", creator, false);
      }
      for (const r of this.registered.splice(0)) this.registerChildren(r.creator, r.names);
    }
  }

  /**
   * platform_device_register_full(&info) with info.fwnode = of_get_child_by_name(np, name) (the
   * first child of that name, available or not), info.name = its node name, info.id = 0: a
   * platform device `name.0` with the child as of_node and the creator as parent. No driver has
   * that name, so nothing binds it; its creator configures its DMA (of_dma_configure).
   */
  private registerChildren(creator: Device, names: readonly string[]): void {
    const node = creator.node as unknown as DtNode;
    for (const name of names) {
      const child = node.children.find((c) => c.name.split("@")[0] === name);
      if (!child || this.byNode.has(child)) continue;
      this.add(child, `${name}.0`, "platform", creator, "registered", creator, null, compatibleList(child));
    }
  }

  addPciFunctions(): void {
    const inputs = new Map((this.options.pci?.hostBridges ?? []).map((h) => [h.node, h]));
    const used = new Set<string>();
    const kernel = this.options.kernel;
    const root = this.hostBridgeDevices[0] && rootOf(this.hostBridgeDevices[0].node as unknown as DtNode);
    // Host bridges register in the order they bind: here, device order (one host bridge driver's
    // driver_attach walks the platform bus in add order). The probe layer replays this in the
    // order they really bind (src/probe/pci/host-bridge.ts) and says when it differs.
    const domains = new PciDomainNumbers(!kernel || kernelFeatures(kernel).pciDomainIda ? "ida" : "counter", () => (root ? dtClaimedPciDomains(root) : []));
    for (const dev of this.hostBridgeDevices) {
      const node = dev.node as unknown as DtNode;
      const { dtDomain, rootBus } = hostBridgeIdentity(node);
      // Every function behind the bridge reads the bridge's node (its own `iommu-map`, no `iommus`).
      const dma = this.dmaFacts.pciBridge(node);
      const input = inputs.get(node.path);
      if (input) used.add(node.path);
      const bridge = buildHostBridge(node, input, this.notes, domains.register(node.path, dtDomain, rootBus));
      this.hostBridges.push(bridge);
      registerHostBridge(bridge, dev, dma);
      const byRid = new Map<number, Device>();
      for (const f of bridge.functions) {
        const parentDev = (f.upstream && byRid.get(f.upstream.rid)) || dev;
        const pdev = this.add(null, pciDeviceName(f.segment, f.bus, f.devfn), "pci", parentDev, "pci", dev, f, NO_COMPATIBLE);
        if (!pdev) continue;
        pdev.dma = dma;
        f.dev = pdev;
        byRid.set(f.rid, pdev);
      }
    }
    for (const h of this.options.pci?.hostBridges ?? []) {
      if (!used.has(h.node)) this.notes.push({ node: null, code: "pci-unknown-host-bridge", message: `--pci names ${h.node}, which is not a populated PCI host bridge in the tree; its functions are ignored` });
    }
  }
}

function rootOf(node: DtNode): DtNode {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** The devices the kernel creates for `tree` (see types.ts for what each field means). */
export function buildDeviceGraph(tree: DeviceTree, options: GraphOptions = {}): DeviceGraph {
  const root = tree.root;
  const phandles = new PhandleIndex(root);
  const b = new GraphBuilder(options, new DmaFactsReader(phandles));
  // 1. reserved-memory regions that are devices of their own.
  const resmem = root.child("reserved-memory");
  if (resmem) {
    for (const child of resmem.children) {
      if (compatibleList(child).some((c) => RESERVED_MEM_DEVICES.has(c))) b.populate([child], null, "populate", null, false);
    }
  }
  // 2. /firmware's children (matches = NULL: no recursion below them).
  const firmware = root.child("firmware");
  if (firmware) b.populate(firmware.children, null, "populate", null, false);
  // 3. of_platform_default_populate(root).
  b.populate(root.children, null, "populate", null, true);
  b.flushPending();
  b.addPciFunctions();
  // One pass over the whole tree: each device node's DMA facts, and the IOMMU providers.
  const { devices, dmaFacts } = b;
  const scan = scanTree(root, devices, b.byNode, dmaFacts);
  const chosen = root.child("chosen");
  return {
    tree,
    phandles,
    devices,
    byNode: b.byNode as unknown as ReadonlyMap<OfNode, Device>,
    createdBy: b.createdBy,
    hostBridges: b.hostBridges,
    notes: b.notes,
    arch: detectArch(tree),
    machineCompatible: compatibleList(root),
    chosenBootargs: chosen ? (propertyString(chosen, "bootargs") ?? "") : "",
    memory: memoryRanges(root),
    // (Not the builder: its per-build indexes, the node paths among them, go with it.)
    iommuProviders: (isIommu) => iommuProviders(scan, devices, dmaFacts, isIommu),
  };
}

/** early_init_dt_scan_memory: the root's available `device_type = "memory"` nodes, their `reg` as written (root cells). */
function memoryRanges(root: DtNode): { start: bigint; size: bigint }[] {
  const out: { start: bigint; size: bigint }[] = [];
  for (const n of root.children) {
    if (propertyString(n, "device_type") !== "memory" || !isAvailable(n)) continue;
    for (const r of readReg(n)) if (r.size > 0n) out.push({ start: r.address, size: r.size });
  }
  return out;
}

/**
 * Every node with `#iommu-cells`, and every populated device whose compatible names an IOMMU
 * driver, in tree order (the order of the instances in the report).
 */
function iommuProviders(scan: TreeScan, devices: readonly Device[], facts: DmaFactsReader, isIommu: (compatible: readonly string[]) => boolean): IommuProvider[] {
  const found: { readonly order: number; readonly provider: IommuProvider }[] = [];
  const withCells = new Set<Device>();
  for (const c of scan.cellNodes) {
    if (c.device) withCells.add(c.device);
    found.push({ order: c.order, provider: { of: facts.iommuNode(c.node), device: c.device, iommuCells: true } });
  }
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    const order = scan.order[d.id]!;
    if (!d.node || order === NOT_IN_TREE || withCells.has(d) || !isIommu(d.compatible)) continue;
    found.push({ order, provider: { of: facts.iommuNode(d.node as unknown as DtNode), device: d, iommuCells: false } });
  }
  found.sort((a, b) => a.order - b.order);
  return found.map((f) => f.provider);
}

export { isPciBusNode };
