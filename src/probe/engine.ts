// The emulated kernel: driver core (device_add, bus notifiers, really_probe, deferred probe),
// of_dma_configure / of_iommu_configure, the IOMMU core (fwspec, iommu_probe_device, groups,
// default domains, attach, ownership) and DMA-ops setup, sequenced per kernel era.
// Every step names the kernel function it stands for; docs/kernel-model.md maps them.
import type { Device, DeviceGraph, PciFunction } from "../graph/index.ts";
import {
  DOMAIN_TYPE_VALUES,
  ERRNO_VALUES,
  IOMMU_OPS,
  iommuRowForNode,
  overridesFor,
  pciDeviceGroup,
  forEachDmaAlias,
  smmuDisablesBypass,
  type DomainType,
  type Failure,
  type Fwspec,
  type IommuCoreApi,
  type IommuDomain,
  type IommuDriverOps,
  type IommuGroup,
  type IommuInstance,
  type Limit,
  type Result,
} from "../iommu/index.ts";
import { dmaCoherent, dmaParent, dmaRangeMap, isAvailable, parsePhandleList, propertyString, type PhandleListError } from "../tree/accessors.ts";
import type { DtNode, DtProperty } from "../tree/model.ts";
import { boolParam, cmdlineProblems, splitCmdline } from "./cmdline.ts";
import { BusWalkIndex } from "./walk-index.ts";
import { matchDriver, OVERRIDE_DRIVERS, VFIO_DRIVERS, type InitcallLevel } from "./client-drivers.ts";
import { ofMapId } from "./of-map-id.ts";
import { parseBootargs, resolveConfig, versionAtLeast, type ProbeOptions, type ResolvedConfig } from "./options.ts";
import type { DeviceOutcome, EventKind, ProbeEvent, ProbeResult } from "./types.ts";
import type { DevState } from "./dev-state.ts";
import { deviceReservedRegions } from "./reserved-regions.ts";
import { deviceSetDomain, leaveDomain, type DomainCore } from "./group-domain.ts";
import { TegraDrm } from "./tegra-drm.ts";
import { Deque } from "./deque.ts";
import { addError, addNote, EMPTY } from "./outcome.ts";
import { EventLog } from "./event-log.ts";
import { runScenario } from "./scenario-run.ts";
import { asyncProbeRequested, parseAsyncProbe, type AsyncProbeRequest } from "./async-probe.ts";
import { ArmSharedMappings, describeSharedRelease } from "./arm-shared-mapping.ts";
import type { ScenarioOutcome } from "./scenario-types.ts";

type Step = "ok" | "defer" | Failure;

const MASK32 = 0xffffffffn;

/** EmulatedKernel.nodeFacts bits. */
const FACT_SCANNED = 1;
const FACT_DMA_COHERENT = 2;
const FACT_DMA_NONCOHERENT = 4;
const FACT_INTERCONNECT_NAMES = 8;
/** `iommus` holds a first cell (EmulatedKernel.iommusFirstCell). */
const FACT_IOMMUS_CELL = 16;

/** Printed where the kernel prints the name of a driver dtprobe only assumes to bind. */
export const ASSUMED_DRIVER_PREFIX = "(assumed driver)";

export class EmulatedKernel implements IommuCoreApi, DomainCore {
  readonly version: readonly [number, number];
  readonly bootargs: ReadonlyMap<string, string>;
  readonly phandles;
  readonly shared = new Map<string, unknown>();

  private readonly bootargsText: string;
  private readonly states: DevState[] = [];
  // States by Device.id (graph.devices order): array indexing instead of a Map lookup per event.
  private readonly instances: IommuInstance[] = [];
  private readonly instanceByNode = new Map<DtNode, IommuInstance>();
  /** Live groups and domains; Sets so that freeing one is O(1) (ordered by id at the end). */
  private readonly groups = new Set<IommuGroup>();
  private readonly groupOfDev = new Map<Device, IommuGroup>();
  private readonly groupOfPci = new Map<unknown, IommuGroup>();
  private readonly domains = new Set<IommuDomain>();
  private readonly events = new EventLog();
  private readonly freeGroupIds: number[] = [];
  private nextGroupId = 0;
  private nextDomainId = 0;
  private readonly defaultType: DomainType;
  private readonly typeFromCmdline: boolean;
  private readonly strictFromCmdline: boolean;
  private stage = "setup";
  private readonly registeredLevels = new Set<InitcallLevel>();
  private initcallsDone = false;
  private timeoutExpired = false;
  private readonly deferred: DevState[] = [];
  private readonly queue = new Deque<DevState>();
  private readonly perInstanceDomain = new Map<IommuInstance, IommuDomain>();
  /** Policy and architecture in force, and what makes the run hypothetical. */
  readonly config: ResolvedConfig;
  /**
   * ARM_DMA_USE_IOMMU semantics: no IOMMU_DMA, DMA ops from arm_iommu mappings. The per-device
   * policy anywhere (arm32's own; on arm64 hypothetical), and every policy on arm32.
   */
  private readonly armDmaMapping: boolean;
  /**
   * arm32 under a hypothetical policy (per-group, per-instance): the arm_iommu mapping is shared
   * per group or per IOMMU instance instead of created per device (the 2014 proposal).
   */
  private readonly armShared: ArmSharedMappings | undefined;
  /** Some registered-at-add IOMMU (tegra-smmu before 6.8) probes devices at BUS_NOTIFY_ADD_DEVICE. */
  private addProbing = false;
  /** `driver_async_probe=` from the command line (undefined: every driver binds synchronously). */
  private readonly asyncProbe: AsyncProbeRequest | undefined;

  constructor(
    readonly graph: DeviceGraph,
    private readonly options: ProbeOptions,
  ) {
    this.version = options.kernel.version;
    this.config = resolveConfig(options, graph.arch);
    this.armDmaMapping = this.config.policy === "per-device" || this.config.arch === "arm";
    this.armShared = this.config.arch === "arm" && this.config.policy !== "per-device" ? new ArmSharedMappings(this, this.config.policy === "per-instance" ? "instance" : "group") : undefined;
    this.phandles = graph.phandles;
    this.nodeFacts = new Uint8Array(graph.devices.length);
    this.iommusProp = new Array<DtProperty | undefined>(graph.devices.length).fill(undefined);
    this.iommusFirstCell = new Uint32Array(graph.devices.length);
    const chosen = graph.tree.root.child("chosen");
    this.bootargsText = options.bootargs ?? (chosen ? (propertyString(chosen, "bootargs") ?? "") : "");
    this.bootargs = parseBootargs(this.bootargsText);
    this.asyncProbe = parseAsyncProbe(this.bootargs.get("driver_async_probe"));
    // Early parameters as do_early_param and kstrtobool read them (src/probe/cmdline.ts).
    const words = splitCmdline(this.bootargsText);
    const pt = boolParam(words, "iommu.passthrough", options.kernel);
    const strict = boolParam(words, "iommu.strict", options.kernel);
    for (const p of cmdlineProblems(words, options.kernel)) if (p.kernelLog) this.emit("log", null, p.level, p.kernelLog, "");
    this.typeFromCmdline = pt !== undefined;
    this.strictFromCmdline = strict !== undefined;
    // iommu_subsys_init: Kconfig default translated + strict (arm64 defconfig / distro kernels).
    this.defaultType = pt ? "identity" : strict === false ? "DMA-FQ" : "DMA";
  }

  // ---------------------------------------------------------------- IommuCoreApi

  newGroup(instance: IommuInstance, name?: string): IommuGroup {
    // Group IDs come from an IDA: the lowest free number.
    let id: number;
    if (this.freeGroupIds.length > 0) {
      this.freeGroupIds.sort((a, b) => a - b);
      id = this.freeGroupIds.shift()!;
    } else id = this.nextGroupId++;
    const g: IommuGroup = { id, instance, devices: [], name, defaultDomain: null, domain: null, blockingDomain: null, ownerCnt: 0, owner: null };
    this.groups.add(g);
    return g;
  }

  dmaRangesOf(dev: Device): readonly { readonly dmaStart: bigint; readonly size: bigint }[] | null {
    return this.states[dev.id]!.out.dmaRanges;
  }

  groupAlive(group: IommuGroup): boolean {
    return this.groups.has(group);
  }

  groupOf(dev: Device): IommuGroup | undefined {
    return this.groupOfDev.get(dev);
  }

  pciDeviceGroup(dev: Device, instance: IommuInstance): Result<IommuGroup> {
    const f = dev.pci!;
    const found = pciDeviceGroup(f, {
      groupOf: (fn) => (fn.dev ? this.groupOfDev.get(fn.dev) : undefined),
      functionsOnBus: (fn) => this.functionsOnBus(fn),
    });
    return { ok: true, value: found ?? this.newGroup(instance) };
  }

  /** PCI functions per (host bridge, bus), built once: pci_device_group asks for them per device. */
  private readonly pciBuses = new Map<unknown, Map<number, PciFunction[]>>();

  private functionsOnBus(fn: PciFunction): readonly PciFunction[] {
    let buses = this.pciBuses.get(fn.hostBridge);
    if (!buses) {
      buses = new Map();
      for (const f of fn.hostBridge.functions) {
        const list = buses.get(f.bus);
        if (list) list.push(f);
        else buses.set(f.bus, [f]);
      }
      this.pciBuses.set(fn.hostBridge, buses);
    }
    return buses.get(fn.bus) ?? [];
  }

  log(dev: Device | null, level: "info" | "warn" | "err" | "debug", message: string, prefix?: string): void {
    this.emit("log", dev, level, message, prefix);
  }

  // ---------------------------------------------------------------- DomainCore (runtime pieces)

  get kernel() {
    return this.options.kernel;
  }

  get core(): IommuCoreApi {
    return this;
  }

  get policy() {
    return this.config.policy;
  }

  stateFor(dev: Device): DevState {
    return this.states[dev.id]!;
  }

  /** Every device state, in creation order. */
  allStates(): readonly DevState[] {
    return this.states;
  }

  liveGroups(): readonly IommuGroup[] {
    return [...this.groups];
  }

  setStage(stage: string): void {
    this.stage = stage;
  }

  /** The Tegra DRM composite driver (host1x "drm" device). */
  readonly tegraDrm: TegraDrm = new TegraDrm(this);

  // ---------------------------------------------------------------- events

  /**
   * dev_printk's prefix: dev_driver_string() — the driver once dev->driver is set (really_probe
   * sets it before dma_configure), else the bus. An assumed driver has no known name, so the
   * prefix says so instead of printing the bus name the kernel would not print.
   */
  private prefixFor(dev: Device | null): string {
    if (!dev) return "";
    const s = this.states[dev.id];
    const drv = s && (s.out.state === "bound" || s.inProbe) ? s.out.driver : null;
    if (!drv) return dev.bus;
    return s!.out.driverAssumed ? ASSUMED_DRIVER_PREFIX : drv;
  }

  emit(kind: EventKind, dev: Device | null, level: ProbeEvent["level"], message: string, prefix?: string): void {
    this.events.push(this.stage, kind, level, dev?.name ?? null, prefix ?? this.prefixFor(dev), message);
  }

  note(s: DevState, message: string): void {
    addNote(s.out, message);
    this.emit("note", s.dev, "info", message);
  }

  failWith(s: DevState, f: Failure, logLevel: "err" | "warn" | "debug" | null): void {
    addError(s.out, f);
    if (logLevel) this.emit("log", s.dev, logLevel, f.message);
  }

  // ---------------------------------------------------------------- setup

  private createStates(): void {
    // Index loops over the per-device arrays: for-of left an iterator result per device in these
    // long loops (a few MB of garbage each on a large board).
    const devices = this.graph.devices;
    for (let i = 0; i < devices.length; i++) {
      const dev = devices[i]!;
      const isIommu = !!dev.node && this.instanceByNode.has(dev.node);
      let match = matchDriver(dev, isIommu);
      // pcieport sets driver_managed_dma since 5.19 (c7d469849747): ports never hold owner_cnt.
      if (match.name === "pcieport") match = { ...match, driverManagedDma: versionAtLeast(this.options.kernel, 5, 19) };
      const out: DeviceOutcome = {
        device: dev,
        driver: match.name,
        driverAssumed: match.assumed,
        driverManagedDma: match.driverManagedDma,
        state: "not-created",
        stateReason: match.reason,
        iommu: null,
        extraIommus: EMPTY,
        iommuWanted: null,
        // Shared empty lists until something is recorded (a 200,000-device board allocates
        // five arrays per device otherwise); addError / addNote replace them on first use.
        specifiers: EMPTY,
        ids: EMPTY,
        group: null,
        domain: null,
        dmaOps: "direct",
        coherent: false,
        dmaLimit: MASK32,
        dmaRanges: null,
        errors: EMPTY,
        notes: EMPTY,
      };
      const s: DevState = {
        dev,
        out,
        match,
        instance: dev.node ? this.instanceByNode.get(dev.node) : undefined,
        added: false,
        onDeferredList: false,
        fwspec: null,
        rangesDone: false,
        dmaOpsDone: false,
        usesDefaultDomain: false,
        specsRecorded: false,
        // Shared until readReservedRegions gives the device its own list (never pushed to).
        resvRegions: EMPTY,
        requireDirect: false,
        deferredIommus: undefined,
        // The optional fields too: every state keeps one shape (set later, they would move the
        // state to another hidden class and allocate an out-of-object property store per device).
        inProbe: false,
        deferReason: undefined,
        noDefaultNoted: false,
      };
      this.states.push(s);
      const level = this.statesByLevel.get(match.initcall);
      if (level) level.push(s);
      else this.statesByLevel.set(match.initcall, [s]);
    }
  }

  /**
   * What the probe reads from a device's own node, found in one pass over its properties
   * (indexed by Device.id; 0 = not scanned). On a large board a property lookup is a scan whose
   * cost is the cache misses of loading each property object, and the probe used to look up five
   * names per device node (`#iommu-cells`, `iommus` twice, `interconnect-names`, `dma-coherent`,
   * `dma-noncoherent`), most of them absent, so each a full scan. One scan in createInstances,
   * which visits every node anyway, answers them all. Each fact is the first property of that
   * name, as DtNode.property() answers.
   */
  private readonly nodeFacts: Uint8Array;
  /** The device node's `iommus` property (valid where nodeFacts is non-zero). */
  private readonly iommusProp: (DtProperty | undefined)[];
  /**
   * The first cell of that `iommus` (where FACT_IOMMUS_CELL is set): the phandle
   * firstIommusTarget asks for at every device_add when an IOMMU probes at add. Read during the
   * scan, while the property is in cache, instead of making a byte view again later.
   */
  private readonly iommusFirstCell: Uint32Array;

  /** Every node that provides an IOMMU: `#iommu-cells`, or a compatible of the IOMMU table. */
  private createInstances(): void {
    const byNode = this.graph.byNode;
    const devices = this.graph.devices;
    let cursor = 0;
    const facts = this.nodeFacts;
    const iommusProp = this.iommusProp;
    // Pre-order with an explicit stack (the same order as DtNode.walk(), without a generator).
    const stack: DtNode[] = [this.graph.tree.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const kids = node.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      let cells: DtProperty | undefined;
      let iommus: DtProperty | undefined;
      let flags = FACT_SCANNED;
      const props = node.properties;
      for (let i = 0; i < props.length; i++) {
        const p = props[i]!;
        const name = p.name;
        if (name === "#iommu-cells") cells ??= p;
        else if (name === "iommus") iommus ??= p;
        else if (name === "dma-coherent") flags |= FACT_DMA_COHERENT;
        else if (name === "dma-noncoherent") flags |= FACT_DMA_NONCOHERENT;
        else if (name === "interconnect-names") flags |= FACT_INTERCONNECT_NAMES;
      }
      // Platform devices are populated in tree order: the next device with a node is usually
      // this node's, which spares a Map lookup per node (byNode answers the others).
      while (cursor < devices.length && devices[cursor]!.node === null) cursor++;
      const device = cursor < devices.length && devices[cursor]!.node === node ? devices[cursor++] : byNode.get(node);
      if (device && facts[device.id] === 0 && device.node === node) {
        if (iommus) {
          if (iommus.value.length >= 4) {
            flags |= FACT_IOMMUS_CELL;
            this.iommusFirstCell[device.id] = iommus.value.u32At(0);
          }
        }
        facts[device.id] = flags;
        iommusProp[device.id] = iommus;
      }
      // Cheap test first: an IOMMU provider has `#iommu-cells` or is a populated device.
      if (!cells && !device) continue;
      const row = iommuRowForNode(node);
      if (!row && !cells) continue;
      const limits: Record<string, Limit> = {};
      for (const [k, v] of Object.entries(row?.defaults ?? {})) limits[k] = { value: v, source: "default", description: k };
      for (const [k, v] of Object.entries(overridesFor(this.options.hw, node.path))) limits[k] = { value: v, source: "hw", description: k };
      const inst: IommuInstance = {
        index: this.instances.length,
        node,
        // byNode's device (one per node; the cursor's is the same device).
        device: byNode.get(node) ?? null,
        row,
        state: !isAvailable(node) ? "disabled" : !row ? "unknown-driver" : "not-probed",
        stateMessage: !isAvailable(node) ? `status = "${propertyString(node, "status") ?? ""}"` : !row ? `no modelled IOMMU driver matches ${JSON.stringify(node.property("compatible") ? propertyString(node, "compatible") : "(no compatible)")}` : undefined,
        limits,
        registered: false,
        priv: {},
        used: {},
      };
      this.instances.push(inst);
      this.instanceByNode.set(node, inst);
    }
    // ipmmu-vmsa cache instances allocate contexts in their main IPMMU.
    for (const inst of this.instances) {
      const ph = inst.node.property("renesas,ipmmu-main") ? inst.node.property("renesas,ipmmu-main")!.value.bytes : undefined;
      if (ph && ph.length >= 4) {
        const target = this.phandles.get(((ph[0]! << 24) | (ph[1]! << 16) | (ph[2]! << 8) | ph[3]!) >>> 0);
        const root = target && this.instanceByNode.get(target);
        if (root) inst.priv["rootInstance"] = root;
      }
    }
  }

  ops(inst: IommuInstance): IommuDriverOps {
    return IOMMU_OPS[inst.row!.family];
  }

  // ---------------------------------------------------------------- main sequence

  run(): ProbeResult {
    this.createInstances();
    this.createStates();
    // save_async_options (an early __setup handler; dd.c has no pr_fmt).
    if (this.asyncProbe?.truncated) this.emit("log", null, "warn", "Too long list of driver names for 'driver_async_probe'!", "");
    this.stage = "subsys_initcall";
    if (this.defaultType === "identity") this.emit("log", null, "info", `Default domain type: Passthrough${this.typeFromCmdline ? " (set via kernel command line)" : ""}`, "iommu");
    else {
      this.emit("log", null, "info", `Default domain type: Translated${this.typeFromCmdline ? " (set via kernel command line)" : ""}`, "iommu");
      this.emit("log", null, "info", `DMA domain TLB invalidation policy: ${this.defaultType === "DMA" ? "strict" : "lazy"} mode${this.strictFromCmdline ? " (set via kernel command line)" : ""}`, "iommu");
    }
    if (this.options.kernel.era === "creation") this.declareIommusEarly();
    // Drivers registered at arch_initcall bind as soon as their device is added.
    this.registeredLevels.add("arch");
    this.stage = "arch_initcall_sync";
    // device_add -> bus_probe_device: a device whose driver is registered (tegra-mc) binds before
    // the next node is populated.
    for (let i = 0, states = this.states; i < states.length; i++) {
      const s = states[i]!;
      if (s.dev.origin !== "populate") continue;
      this.deviceAdd(s);
      this.drain();
    }
    for (const level of ["subsys", "device"] as const) {
      this.stage = `${level}_initcall`;
      this.registerLevel(level);
    }
    this.stage = "late_initcall";
    this.initcallsDone = true;
    this.retryDeferred();
    this.stage = "modules";
    this.registerLevel("module");
    this.stage = "deferred_probe_timeout";
    this.timeoutExpired = true;
    this.walkIndex?.releaseAll();
    this.retryDeferred();
    if (this.options.scenario) this.scenarioOutcome = runScenario(this, this.options.scenario);
    return this.finish();
  }

  private scenarioOutcome: ScenarioOutcome | undefined;

  /**
   * States by their driver's initcall level, in creation order: driver registration visits only
   * its level's devices instead of every state three times. A state's level changes only with a
   * scenario's `bind` (driver_override), which runs after the last registration.
   */
  private readonly statesByLevel = new Map<InitcallLevel, DevState[]>();

  private registerLevel(level: InitcallLevel): void {
    this.registeredLevels.add(level);
    // driver_register -> driver_attach for each driver of the level; devices in add order.
    const states = this.statesByLevel.get(level) ?? [];
    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      if (s.added && s.out.state === "not-created" && s.match.name && s.match.initcall === level && !s.onDeferredList) this.queue.push(s);
    }
    this.drain();
  }

  private retryDeferred(): void {
    for (const s of this.deferred) s.onDeferredList = false;
    this.queue.unshift(this.deferred);
    this.deferred.length = 0;
    this.drain();
  }

  /** Runs queued bind attempts; a successful bind re-queues the deferred list first. */
  private drain(): void {
    while (this.queue.length > 0) {
      const s = this.queue.shift()!;
      if (s.out.state !== "not-created" || s.onDeferredList) continue;
      const bound = this.reallyProbe(s);
      if (bound) this.tegraDrm.afterBind(s);
      if (bound && this.deferred.length > 0) {
        // driver_deferred_probe_trigger: every deferred device is tried again.
        // (The queue copies the list: it is emptied in place, no new array per bind.)
        for (const d of this.deferred) d.onDeferredList = false;
        this.queue.unshift(this.deferred);
        this.deferred.length = 0;
      }
    }
  }

  /** 3.19: IOMMU_OF_DECLARE init functions ran before of_platform_populate. */
  private declareIommusEarly(): void {
    for (const inst of this.instances) {
      if (inst.state !== "not-probed") continue;
      const r = this.ops(inst).probeInstance(inst, this);
      if (!r.ok) {
        inst.state = "probe-failed";
        inst.stateMessage = r.failure.message;
        this.emit("log", inst.device, "err", `Failed to initialise IOMMU ${inst.node.path}`, "of_iommu");
        continue;
      }
      inst.state = "registered";
      inst.registered = true;
    }
  }

  // ---------------------------------------------------------------- driver core

  /** device_add: BUS_NOTIFY_ADD_DEVICE, then bus_probe_device. */
  private deviceAdd(s: DevState): void {
    if (s.added) return;
    if (this.options.kernel.era === "creation") this.dmaConfigure(s, false);
    s.added = true;
    this.walkIndex?.restore(s.dev.id);
    s.out.state = "not-created";
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_ADD_DEVICE");
    // iommu_bus_notifier -> iommu_probe_device.
    if (this.options.kernel.era === "add") this.iommuProbeAtAdd(s);
    else if (this.addProbing && this.addProbeTarget(s)) this.iommuProbeAtAdd(s);
    else if (this.options.kernel.era === "creation" && s.fwspec) this.iommuProbeDevice(s, "add");
    if (!s.match.name) {
      s.out.state = "no-driver";
      return;
    }
    if (!this.registeredLevels.has(s.match.initcall)) return;
    // bus_probe_device binds right away; devices added together keep their order.
    if (this.addBatch) this.addBatch.push(s);
    else this.queue.unshiftOne(s);
  }

  /** Devices added by one bind (populated children, PCI functions), queued in add order. */
  private addBatch: DevState[] | null = null;

  /** really_probe: dma_configure, BIND_DRIVER, the driver's probe, BOUND_DRIVER. */
  private reallyProbe(s: DevState): boolean {
    if (this.options.kernel.era !== "creation") {
      s.inProbe = true;
      const r = this.dmaConfigure(s, true);
      s.inProbe = false;
      if (r === "defer") {
        this.deferProbe(s);
        return false;
      }
      if (r !== "ok") {
        s.out.state = "failed";
        s.out.stateReason = `dma_configure failed: ${r.errno}`;
        this.failWith(s, r, null);
        this.note(s, `bind aborted in dma_configure with ${r.errno} (${r.where}): ${r.message}`);
        return false;
      }
    } else {
      this.setupDmaOps(s);
    }
    s.inProbe = true;
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_BIND_DRIVER");
    const r = s.instance ? this.probeIommuInstance(s.instance) : this.clientProbe(s);
    if (!r.ok) {
      s.inProbe = false;
      s.out.state = "failed";
      s.out.stateReason = `probe failed: ${r.failure.errno}`;
      this.failWith(s, r.failure, s.instance ? "err" : null);
      if (r.failure.errno !== "-ENODEV") this.emit("log", s.dev, "warn", `probe of ${s.dev.name} failed with error ${ERRNO_VALUES[r.failure.errno]}`, s.out.driver ?? s.dev.bus);
      this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_DRIVER_NOT_BOUND");
      this.dmaCleanup(s);
      // device_unbind_cleanup -> arch_teardown_dma_ops: an arm mapping (or its reference) goes.
      if (this.armDmaMapping) this.teardownDmaOps(s);
      return false;
    }
    s.out.state = "bound";
    s.out.stateReason = undefined;
    s.inProbe = false;
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_BOUND_DRIVER");
    if (s.instance) this.iommuDeviceRegister(s.instance);
    // Most devices create none: no batch to allocate then.
    const created = this.graph.createdBy.get(s.dev);
    if (created) {
      this.addBatch = [];
      for (const child of created) this.deviceAdd(this.states[child.id]!);
      this.queue.unshift(this.addBatch);
      this.addBatch = null;
    }
    return true;
  }

  /** The probe of a modelled client driver: VFIO bus drivers need an IOMMU group. */
  private clientProbe(s: DevState): Result<void> {
    if (s.match.name && VFIO_DRIVERS.has(s.match.name) && !s.out.group) {
      const where = versionAtLeast(this.options.kernel, 6, 0) ? "vfio_group_find_or_alloc" : "vfio_iommu_group_get";
      return { ok: false, failure: { errno: "-EINVAL", where, message: `No IOMMU group for device ${s.dev.name} (VFIO needs one; noiommu mode is off)` } };
    }
    // host1x / tegra-vde: release the arm_iommu mapping, maybe a domain of their own (tegra-own-iommu.ts).
    return this.tegraDrm.ownIommu.probe(s);
  }

  private deferProbe(s: DevState): void {
    if (!s.onDeferredList) {
      s.onDeferredList = true;
      this.deferred.push(s);
    }
    s.out.stateReason = s.deferReason ?? "waiting for its IOMMU (-EPROBE_DEFER)";
    s.deferReason = undefined;
    this.emit("log", s.dev, "debug", "Driver requests probe deferral", s.out.driverAssumed ? ASSUMED_DRIVER_PREFIX : (s.out.driver ?? s.dev.bus));
  }

  /** platform_dma_cleanup / pci_dma_cleanup. */
  private dmaCleanup(s: DevState): void {
    if (s.usesDefaultDomain && s.out.group) {
      s.out.group.ownerCnt--;
      s.usesDefaultDomain = false;
    }
  }

  // ---------------------------------------------------------------- IOMMU instance driver

  private probeIommuInstance(inst: IommuInstance): Result<void> {
    if (inst.state === "registered") return { ok: true, value: undefined };
    const r = this.ops(inst).probeInstance(inst, this);
    if (!r.ok) {
      inst.state = "probe-failed";
      inst.stateMessage = `${r.failure.errno}: ${r.failure.message}`;
      return r;
    }
    return r;
  }

  /**
   * An instance on iommu_device_list whose iommu_device_register() has not returned: its
   * `iommu->ready` is still false (6.15+, da33e87bd2bf "iommu: Handle yet another race around
   * registration"), so iommu_fwspec_init() defers a device without dev->iommu.
   */
  private notReady: IommuInstance | null = null;

  /** iommu_device_register: on the list, (6.15+) bus_iommu_probe over every device, then ready. */
  private iommuDeviceRegister(inst: IommuInstance): void {
    if (inst.registered) return;
    inst.state = "registered";
    inst.registered = true;
    if (this.options.kernel.era === "add") {
      this.notReady = inst;
      try {
        this.busIommuProbe(inst);
      } finally {
        this.notReady = null;
      }
      return;
    }
    // bus_iommu_probe: 6.15+ for every IOMMU; before 6.8 also from bus_set_iommu /
    // iommu_device_register for drivers that probe without a fwspec (tegra-smmu).
    const atAdd = this.options.kernel.era === "bind" && !!this.ops(inst).probesAtAdd?.(inst, this);
    if (atAdd) this.addProbing = true;
    if (atAdd) this.busIommuProbe(inst, true);
  }

  /** bus_iommu_probe: group every device on the bus, then set up the new groups' default domains. */
  private busIommuProbe(inst: IommuInstance, atAdd = false): void {
    if (this.options.kernel.era === "add") this.asyncBindsBeforeWalk(inst);
    const newGroups: IommuGroup[] = [];
    // Only the devices this walk can change, in device order (src/probe/walk-index.ts).
    const index = (this.walkIndex ??= new BusWalkIndex<DtNode>(this.states.length));
    index.release(inst.node);
    for (let i = index.next(0), states = this.states; i >= 0; i = index.next(i + 1)) {
      const s = states[i]!;
      if (!s.added) continue;
      if (s.out.group) {
        index.skip(i);
        continue;
      }
      if (atAdd && this.addProbeTarget(s) !== inst) continue;
      if (!s.fwspec) {
        // The walk's own configuration (__iommu_probe_device → dma_configure) is what the
        // ready flag waits for: it is not turned away.
        this.walking = s;
        const r = this.ofIommuConfigure(s);
        this.walking = null;
        if (r === "defer") {
          const waitsFor = s.deferredIommus?.find((e) => !this.instanceByNode.get(e.node)?.registered)?.node;
          if (waitsFor) index.wait(i, waitsFor);
          continue;
        }
        if (!s.fwspec) {
          if (s.dev.bus !== "pci" && s.out.specifiers.length === 0) index.skip(i); // no `iommus`
          continue;
        }
      }
      if (s.fwspec.instance !== inst) continue;
      const g = this.iommuProbeDevice(s, "bus");
      if (g && !g.defaultDomain && !newGroups.includes(g)) newGroups.push(g);
    }
    if (this.options.kernel.era === "add") this.asyncBindsInWindow(inst, newGroups);
    // Default domains only after the whole bus was walked (cross-device agreement).
    for (const g of newGroups) this.setupDefaultDomain(g);
  }

  /** (device, instance) pairs already noted as programmed into the first IOMMU. */
  private readonly notedFirstIommu = new Set<number>();

  /** Which devices a bus_iommu_probe() walk visits (built at the first walk). */
  private walkIndex: BusWalkIndex<DtNode> | undefined;

  /** The device bus_iommu_probe() is configuring right now (its dma_configure call). */
  private walking: DevState | null = null;

  /**
   * The first half of the same window: the instance is on iommu_device_list but not ready, and
   * bus_iommu_probe() has not reached a device yet. An asynchronous bind of such a device passes
   * the instance lookup in iommu_fwspec_init() and, having no dev->iommu, gets -EPROBE_DEFER
   * (da33e87bd2bf, 6.15). dtprobe takes the worst case again: every pending asynchronous bind of
   * a device whose first `iommus` entry names this instance runs before the walk starts.
   */
  private asyncBindsBeforeWalk(inst: IommuInstance): void {
    if (!this.asyncProbe) return;
    const pending: DevState[] = [];
    for (let i = 0, states = this.states; i < states.length; i++) {
      const s = states[i]!;
      if (!s.fwspec && !s.out.group && this.asyncBindPending(s) && this.firstIommusTarget(s) === inst) pending.push(s);
    }
    for (const s of pending) {
      this.note(s, `driver_async_probe: its asynchronous bind runs while ${inst.node.path} is registered but not ready (bus_iommu_probe() has not reached the device; worst-case interleaving)`);
      this.runAsyncBind(s);
    }
  }

  /**
   * An asynchronous bind of `s` may be running now: added, not bound, its driver registered and
   * named by `driver_async_probe=`, and not driver_managed_dma (those never ask for the default
   * domain, so they keep their place).
   */
  private asyncBindPending(s: DevState): boolean {
    if (!s.added || s.out.state !== "not-created" || s.inProbe || !s.match.name || s.match.driverManagedDma) return false;
    return this.registeredLevels.has(s.match.initcall) && asyncProbeRequested(this.asyncProbe, s.match);
  }

  /** The instance a device's first `iommus` entry names (platform devices; PCI maps its RID instead). */
  private firstIommusTarget(s: DevState): IommuInstance | undefined {
    const np = s.dev.dmaNode;
    const facts = this.nodeFacts[s.dev.id]!;
    if (np === s.dev.node && facts !== 0 && s.dev.bus !== "pci") {
      // The scan read the first cell (the same read as below).
      if (!(facts & FACT_IOMMUS_CELL)) return undefined;
      const target = this.phandles.get(this.iommusFirstCell[s.dev.id]!);
      return target && this.instanceByNode.get(target);
    }
    const prop = np && s.dev.bus !== "pci" ? this.iommusOf(s.dev, np) : undefined;
    if (!prop || prop.value.length < 4) return undefined;
    // Only the first entry's phandle matters here (the full parse runs in of_iommu_configure).
    const target = this.phandles.get(prop.value.u32At(0));
    return target && this.instanceByNode.get(target);
  }

  /** `np.property("iommus")`, from the one-pass scan when `np` is the device's own scanned node. */
  private iommusOf(dev: Device, np: DtNode): DtProperty | undefined {
    return np === dev.node && this.nodeFacts[dev.id] !== 0 ? this.iommusProp[dev.id] : np.property("iommus");
  }

  /** One asynchronous bind attempt in the registration window; a deferral waits for the IOMMU's bind. */
  private runAsyncBind(s: DevState): void {
    if (s.onDeferredList) {
      // deferred_probe_work_func takes a device off the list before it retries it.
      s.onDeferredList = false;
      this.deferred.splice(this.deferred.indexOf(s), 1);
    }
    if (this.reallyProbe(s)) this.tegraDrm.afterBind(s);
    else if (s.onDeferredList) this.note(s, `bind deferred: ${s.out.stateReason ?? "-EPROBE_DEFER"}; retried when the IOMMU driver's bind completes`);
  }

  /**
   * The window between bus_iommu_probe()'s two phases: the walk has put devices into new groups
   * and their default domains are not set up yet. A bind running on another thread (an
   * asynchronous probe, `driver_async_probe=`) can reach platform_dma_configure() here; since
   * "iommu: Handle race with default domain setup" (b46064a18810, 6.15)
   * iommu_device_use_default_domain() then returns -EPROBE_DEFER, and the IOMMU driver's own
   * successful bind (driver_bound -> driver_deferred_probe_trigger) retries it. dtprobe is
   * sequential, so it takes the worst case deterministically: every asynchronous bind that is
   * pending for a device of those groups (queued, or deferred and due for a retry) runs now.
   * Drivers with driver_managed_dma never ask for the default domain and keep their place.
   */
  private asyncBindsInWindow(inst: IommuInstance, newGroups: readonly IommuGroup[]): void {
    if (!this.asyncProbe || newGroups.length === 0) return;
    const pending: DevState[] = [];
    for (const g of newGroups) {
      for (const d of g.devices) {
        const s = this.states[d.id]!;
        if (this.asyncBindPending(s)) pending.push(s);
      }
    }
    pending.sort((a, b) => a.dev.id - b.dev.id);
    for (const s of pending) {
      const g = s.out.group!;
      this.note(s, `driver_async_probe: its asynchronous bind runs while bus_iommu_probe() for ${inst.node.path} has put it in group ${g.id} but not yet set up the group's default domain (worst-case interleaving)`);
      this.runAsyncBind(s);
    }
  }

  // ---------------------------------------------------------------- of_dma_configure

  /** of_dma_configure_id (+ platform/pci dma_configure with a driver: iommu_device_use_default_domain). */
  private dmaConfigure(s: DevState, withDriver: boolean): Step {
    const np = s.dev.dmaNode;
    if (!np) return "ok";
    if (!s.rangesDone) this.configureRanges(s, np);
    const r = this.ofIommuConfigure(s);
    if (r === "defer") return "defer";
    if (s.fwspec && !s.out.group) {
      if (this.options.kernel.era === "add" && withDriver) this.emit("log", s.dev, "warn", "late IOMMU probe at driver bind, something fishy here!");
      this.iommuProbeDevice(s, "replay");
    }
    if (!withDriver) return "ok";
    const errorsBefore = s.out.errors.length;
    this.setupDmaOps(s);
    if (versionAtLeast(this.options.kernel, 5, 19) && !s.match.driverManagedDma && s.out.group) {
      const u = this.useDefaultDomain(s);
      if (u === "defer") {
        // platform/amba/pci_dma_configure: arch_teardown_dma_ops() undoes this attempt's DMA ops
        // (an arm32 mapping is released); the retry sets them up again and reports its own errors.
        this.teardownDmaOps(s);
        if (s.out.errors.length > errorsBefore) s.out.errors = s.out.errors.slice(0, errorsBefore);
      }
      if (u !== "ok") return u;
    }
    return "ok";
  }

  private configureRanges(s: DevState, np: DtNode): void {
    s.rangesDone = true;
    const own = np === s.dev.node;
    // The one-pass scan answers the property lookups of the device's own node (0: not scanned).
    const facts = own ? this.nodeFacts[s.dev.id]! : 0;
    // dmaParent is the node's parent unless it has `interconnect-names` (a "dma-mem" path).
    const busNp = !own ? np : facts !== 0 && !(facts & FACT_INTERCONNECT_NAMES) ? np.parent : dmaParent(np, this.phandles);
    // Own property first, then the (cached) answer of the DMA parent: the same walk as
    // of_dma_is_coherent without repeating it for every device on a bus. When busNp is np itself
    // (a PCI function's host bridge), the walk from np is the bus's walk: cached the same way.
    const coherentProp = facts !== 0 ? (facts & FACT_DMA_COHERENT) !== 0 : np.property("dma-coherent") !== undefined;
    const noncoherentProp = facts !== 0 ? (facts & FACT_DMA_NONCOHERENT) !== 0 : np.property("dma-noncoherent") !== undefined;
    s.out.coherent = coherentProp ? true : noncoherentProp ? false : !busNp ? dmaCoherent(np, this.phandles) : this.busCoherent(busNp);
    if (!busNp) return;
    let entry = this.rangeMaps.get(busNp);
    if (!entry) {
      entry = rangeEntry(dmaRangeMap(busNp, this.phandles));
      this.rangeMaps.set(busNp, entry);
    }
    const map = entry.map;
    if (map.kind === "error") {
      this.emit("log", s.dev, "err", map.message, "OF");
      return;
    }
    if (map.kind !== "map") return;
    s.out.dmaRanges = map.regions;
    s.out.dmaLimit = entry.limit;
  }

  /**
   * of_dma_configure's bus walk, once per bus node (every device below a bus shares it), with the
   * DMA limit its ranges give (BigInt work that was repeated for every device).
   */
  private readonly rangeMaps = new Map<DtNode, RangeEntry>();
  private readonly coherentByBus = new Map<DtNode, boolean>();

  private busCoherent(bus: DtNode): boolean {
    let c = this.coherentByBus.get(bus);
    if (c === undefined) {
      c = dmaCoherent(bus, this.phandles);
      this.coherentByBus.set(bus, c);
    }
    return c;
  }

  /** of_iommu_configure: build the fwspec from `iommus` or (PCI) `iommu-map`. */
  private ofIommuConfigure(s: DevState): "ok" | "defer" {
    if (s.fwspec) return "ok";
    const np = s.dev.dmaNode!;
    const built: IommusEntry[] = [];
    let entries: readonly IommusEntry[] = built;
    if (s.dev.bus === "pci") {
      if (this.options.kernel.era === "creation") return "ok"; // 3.19: "can't do much for PCI devices"
      // pci_request_acs() runs here, after enumeration: on DT boots ACS was never enabled.
      let stop = false;
      forEachDmaAlias(s.dev.pci!, (a) => {
        const m = ofMapId(np, a.rid, "iommu-map", "iommu-map-mask", this.phandles);
        if (m.kind === "mapped") built.push({ node: m.target, args: [m.id] });
        else if (m.kind === "untranslated") this.emit("log", null, "info", m.message, "OF");
        else if (m.kind === "error") {
          if (!s.specsRecorded) this.failWith(s, m.failure, "err");
          stop = true;
          return true;
        }
        return false;
      });
      if (stop) {
        s.specsRecorded = true;
        return "ok";
      }
    } else {
      if (s.deferredIommus) {
        // A retry after a deferral: the same `iommus`, already parsed (its errors were reported).
        entries = s.deferredIommus;
      } else if (this.iommusOf(s.dev, np)) {
        // No `iommus` (most devices): parsePhandleList would find no entries and no error.
        const list = parsePhandleList(this.phandles, np, "iommus", "#iommu-cells");
        // Its entries are used as they are: nothing writes to an entry or its args.
        entries = list.entries;
        if (list.error && !s.specsRecorded) this.reportListError(s, np, list.error);
      }
    }
    if (!s.specsRecorded) {
      // The shared empty list when there are none (as createStates leaves it).
      // The args lists are read-only here and in the report (the outcome's type is the report's).
      s.out.specifiers = entries.length === 0 ? EMPTY : entries.map((e) => e.args as number[]);
      s.out.iommuWanted = entries[0] ? (this.instanceByNode.get(entries[0].node) ?? null) : null;
    }
    const first = !s.specsRecorded;
    s.specsRecorded = true;
    if (entries.length === 0) return "ok"; // -ENODEV: not behind an IOMMU
    let fwspec: Fwspec | null = null;
    for (const e of entries) {
      const r = this.ofIommuXlate(s, e.node, e.args, fwspec);
      if (r === "defer") {
        // Kept for the retries: a device waiting for an IOMMU that never registers is retried
        // after every successful bind until the timeout (hundreds of thousands of times on a
        // large board); the tree does not change in between, so the parse would not either.
        if (s.dev.bus !== "pci") s.deferredIommus = entries;
        return "defer";
      }
      if (!("instance" in r)) {
        // Any other error: carry on without an IOMMU (6.8+ frees the partial fwspec).
        if (first || !s.out.errors.some((x) => x.message === r.message)) this.failWith(s, r, r.errno === "-ENODEV" ? null : "debug");
        if (r.errno !== "-ENODEV" && r.errno !== "-ETIMEDOUT") this.note(s, `no IOMMU: ${r.where} failed with ${r.errno} (${r.message})`);
        return "ok";
      }
      fwspec = r;
    }
    s.fwspec = fwspec;
    s.deferredIommus = undefined;
    const translating = this.ops(fwspec!.instance).translatingInstance?.(fwspec!, s.dev) ?? fwspec!.instance;
    if (first && translating !== fwspec!.instance) {
      this.note(s, `${translating.row!.driver} uses only ${translating.node.path} for this master (the last iommus entry wins); ${fwspec!.instance.node.path} does not translate for it`);
    }
    s.out.iommu = translating;
    s.out.extraIommus = fwspec!.extraInstances.length === 0 ? EMPTY : [...fwspec!.extraInstances];
    s.out.ids = [...fwspec!.ids];
    return "ok";
  }

  private reportListError(s: DevState, np: DtNode, e: PhandleListError): void {
    // of_phandle_iterator_next's pr_err lines.
    let msg: string | undefined;
    if (e.kind === "unknown-phandle") msg = `${np.path}: could not find phandle ${e.phandle}`;
    else if (e.kind === "missing-cells") msg = `${np.path}: could not get #iommu-cells for ${e.target.path}`;
    else if (e.kind === "truncated") msg = `${np.path}: #iommu-cells = ${e.expected} found ${e.found}`;
    if (msg) {
      this.emit("log", null, "err", msg, "OF");
      addError(s.out, { errno: "-EINVAL", where: "of_parse_phandle_with_args", message: `${msg} (iommus entry ${e.index} and later ignored)` });
    }
  }

  /**
   * Why an IOMMU instance a master waits for has not registered by the deferred-probe timeout:
   * its own probe failed or was never tried, or its driver is itself waiting (two IOMMUs that
   * are each other's masters wait for one another until the timeout breaks the cycle).
   */
  private whyNotRegistered(s: DevState, inst: IommuInstance | undefined): string {
    if (!inst) return "no IOMMU instance for this node";
    if (inst.stateMessage) return inst.stateMessage;
    if (!inst.device) return "node not populated (no platform device is created for it)";
    const own = this.states[inst.device.id]!;
    // The timeout pass takes every device off the deferred list to retry it: ask what it waits for.
    const waits = own.out.iommuWanted;
    if (waits && !waits.registered && waits !== inst) {
      if (waits === s.instance) return `its own probe was deferred, waiting for IOMMU ${waits.node.path}: the two IOMMUs are each other's masters`;
      return `its own probe was deferred, waiting for IOMMU ${waits.node.path}`;
    }
    if (own.onDeferredList) return `its own probe was deferred (${own.out.stateReason ?? "-EPROBE_DEFER"})`;
    return `its driver has not bound (${own.out.state}${own.out.stateReason ? `: ${own.out.stateReason}` : ""})`;
  }

  /** of_iommu_xlate + iommu_fwspec_init. */
  private ofIommuXlate(s: DevState, target: DtNode, args: readonly number[], fwspec: Fwspec | null): Fwspec | "defer" | Failure {
    if (!isAvailable(target)) return { errno: "-ENODEV", where: "of_iommu_xlate", message: `IOMMU ${target.path} is disabled (status = "${propertyString(target, "status") ?? ""}"): no IOMMU, parent dma-ranges apply` };
    const inst = this.instanceByNode.get(target);
    if (!inst || !inst.registered) {
      if (this.options.kernel.era === "creation") return { errno: "-ENODEV", where: "of_iommu_configure", message: `no iommu_ops registered for ${target.path}` };
      // driver_deferred_probe_check_state.
      if (!this.initcallsDone || !this.timeoutExpired) return "defer";
      this.emit("log", s.dev, "warn", "deferred probe timeout, ignoring dependency");
      return { errno: "-ETIMEDOUT", where: "driver_deferred_probe_check_state", message: `IOMMU ${target.path} was not registered at the deferred probe timeout (${this.whyNotRegistered(s, inst)})` };
    }
    // iommu_fwspec_init: registered but not ready, and no dev->iommu yet (6.15+).
    if (inst === this.notReady && !fwspec && !s.fwspec && this.walking !== s) {
      s.deferReason = `${inst.node.path} is registered but not ready (-EPROBE_DEFER from iommu_fwspec_init)`;
      return "defer";
    }
    if (fwspec && fwspec.instance.row!.driver !== inst.row!.driver) {
      return { errno: "-EINVAL", where: "iommu_fwspec_init", message: `iommus names IOMMUs of two drivers (${fwspec.instance.row!.driver} and ${inst.row!.driver}): one IOMMU per device` };
    }
    const spec: Fwspec = fwspec ?? { instance: inst, ids: [], specifiers: [], extraInstances: [] };
    if (fwspec && fwspec.instance !== inst && !["apple-dart", "exynos-sysmmu", "qcom-iommu", "rockchip-iommu"].includes(inst.row!.family)) {
      // Once per device and instance: from 6.15 every registration walk configures the device
      // again, which made one note per pair (N² events for a device on N instances).
      const key = s.dev.id * this.instances.length + inst.index;
      if (!this.notedFirstIommu.has(key)) {
        this.notedFirstIommu.add(key);
        this.note(s, `IDs for ${inst.node.path} are programmed into the first IOMMU ${fwspec.instance.node.path} (the fwspec holds one IOMMU)`);
      }
    }
    const r = this.ops(inst).ofXlate(inst, s.dev, args, spec, this);
    if (!r.ok) return r.failure;
    spec.specifiers.push(args as number[]); // read-only (see ofIommuConfigure)
    return spec;
  }

  // ---------------------------------------------------------------- iommu_probe_device

  /** The registered instance a platform device's first `iommus` entry names, if it probes at add. */
  private addProbeTarget(s: DevState): IommuInstance | undefined {
    const inst = this.firstIommusTarget(s);
    return inst && inst.registered && this.ops(inst).probesAtAdd?.(inst, this) ? inst : undefined;
  }

  /** 6.15+: iommu_probe_device at BUS_NOTIFY_ADD_DEVICE runs dma_configure without a driver. */
  private iommuProbeAtAdd(s: DevState): void {
    if (!s.dev.dmaNode) return;
    if (!s.rangesDone) this.configureRanges(s, s.dev.dmaNode);
    const r = this.ofIommuConfigure(s);
    if (r === "defer" || !s.fwspec) return;
    this.iommuProbeDevice(s, "add");
  }

  /** __iommu_probe_device (+ the default-domain step of iommu_probe_device). */
  private iommuProbeDevice(s: DevState, mode: "replay" | "add" | "bus"): IommuGroup | null {
    if (s.out.group) return s.out.group;
    const fwspec = s.fwspec!;
    const ops = this.ops(fwspec.instance);
    const pd = ops.probeDevice(fwspec, s.dev, this);
    if (!pd.ok) {
      this.failWith(s, pd.failure, "err");
      this.dropFwspec(s);
      return null;
    }
    const gr = ops.deviceGroup(fwspec, s.dev, this);
    if (!gr.ok) {
      ops.releaseDevice(fwspec, s.dev, this);
      this.failWith(s, gr.failure, "err");
      this.dropFwspec(s);
      return null;
    }
    const g = gr.value;
    g.devices.push(s.dev);
    s.out.group = g;
    this.groupOfDev.set(s.dev, g);
    // iommu_group_add_device: dev_info since "iommu: Use dev_printk() when possible" (5.1); before,
    // pr_info with the iommu.c prefix.
    if (versionAtLeast(this.options.kernel, 5, 1)) this.emit("log", s.dev, "info", `Adding to iommu group ${g.id}`);
    else this.emit("log", null, "info", `Adding device ${s.dev.name} to group ${g.id}`, "iommu");
    this.readReservedRegions(s);
    if (g.defaultDomain) this.directMappings(s, g.defaultDomain);
    if (g.domain) {
      const a = this.attach(g.domain, s);
      if (!a.ok) return null;
    } else if (mode !== "bus" && !g.defaultDomain) {
      this.setupDefaultDomain(g);
      if (!s.out.group) return null;
    }
    return g;
  }

  /** iommu_get_resv_regions -> iommu_dma_get_resv_regions -> of_iommu_get_resv_regions (6.3+). */
  private readReservedRegions(s: DevState): void {
    const node = s.dev.node;
    if (!node || !s.fwspec || !this.ops(s.fwspec.instance).dtReservedRegions || !versionAtLeast(this.options.kernel, 6, 3)) return;
    const r = deviceReservedRegions(node, this.phandles, this.version);
    for (const m of r.messages) this.emit("log", s.dev, m.level, m.text);
    s.resvRegions = r.regions;
    s.requireDirect = r.regions.some((x) => x.type === "direct");
  }

  /** iommu_create_device_direct_mappings: DIRECT regions are mapped 1:1 into a DMA default domain. */
  private directMappings(s: DevState, domain: IommuDomain): void {
    if (domain.type !== "DMA" && domain.type !== "DMA-FQ") return;
    for (const r of s.resvRegions) {
      if (r.type !== "direct") continue;
      this.note(s, `IOMMU_RESV_DIRECT [0x${r.start.toString(16)}-0x${(r.start + r.length - 1n).toString(16)}] (${r.node.path}) mapped 1:1 in domain ${domain.id}`);
    }
  }

  private dropFwspec(s: DevState): void {
    s.fwspec = null;
    s.out.iommu = null;
    // The shared empty lists (nothing pushes to an outcome's lists; a device whose probe fails
    // is common on large boards).
    s.out.extraIommus = EMPTY;
    s.out.ids = EMPTY;
  }

  /** Removes a device from its group after a failed attach (iommu_release_device). */
  private releaseFromGroup(s: DevState): void {
    const g = s.out.group;
    if (!g) return;
    if (s.out.domain) leaveDomain(this, s.dev, s.out.domain);
    s.out.domain = null;
    g.devices.splice(g.devices.indexOf(s.dev), 1);
    this.groupOfDev.delete(s.dev);
    s.out.group = null;
    this.walkIndex?.restore(s.dev.id);
    if (s.fwspec) this.ops(s.fwspec.instance).releaseDevice(s.fwspec, s.dev, this);
    this.dropFwspec(s);
    if (g.devices.length === 0) {
      this.groups.delete(g);
      this.freeGroupIds.push(g.id);
      for (const d of [g.defaultDomain, g.domain, g.blockingDomain]) if (d && d.devices.length === 0 && (d.owner === "default" || d.owner === "blocking")) this.freeDomain(d);
      // Driver-side group caches (tegra named groups, per-instance groups) forget it.
      for (const [k, v] of Object.entries(g.instance.priv)) if (v === g) delete g.instance.priv[k];
    }
  }

  // ---------------------------------------------------------------- domains

  /** iommu_get_default_domain_type across the group's members. */
  private groupDomainType(g: IommuGroup): DomainType | undefined {
    let type: DomainType | undefined;
    let who: Device | undefined;
    const ops = this.ops(g.instance);
    for (const d of g.devices) {
      const s = this.states[d.id]!;
      if (!s.fwspec) continue;
      let t = ops.defDomainType(s.fwspec, d, this);
      if (d.pci?.untrusted) t = "DMA";
      if (!t) continue;
      if (type && t !== type) {
        this.emit("log", d, "err", `IOMMU driver error, requesting conflicting def_domain_type, ${type} and ${t}, for devices in group ${g.id}.`);
        return "identity";
      }
      type = t;
      who = d;
    }
    void who;
    return type;
  }

  /** iommu_setup_default_domain / (6.1) iommu_alloc_default_domain + attach of every member. */
  private setupDefaultDomain(g: IommuGroup): void {
    const inst = g.instance;
    const ops = this.ops(inst);
    let domain: IommuDomain | undefined;
    let why: string;
    this.lastAllocFailure = undefined;
    if (this.armDmaMapping) {
      // ARM_DMA_USE_IOMMU: no IOMMU_DMA. 6.7+ (iommu_get_default_domain_type) forces IDENTITY;
      // before, the requested type is tried and a DMA domain is freed again by
      // __iommu_domain_alloc because the iommu_get_dma_cookie stub returns -ENODEV (no fallback
      // helps: the fallback type is DMA too).
      const req = versionAtLeast(this.options.kernel, 6, 7) ? "identity" : (this.groupDomainType(g) ?? this.defaultType);
      if (req === "identity" && ops.supportsType(inst, "identity", this)) domain = this.allocDomain(inst, "identity", "default");
      why =
        req === "identity"
          ? `${inst.row!.driver} has no identity domain${versionAtLeast(this.options.kernel, 6, 7) ? " (arm32 forces an IDENTITY default from 6.7)" : ""}`
          : `arm32 has no IOMMU_DMA: a ${req} default domain cannot be allocated (iommu_get_dma_cookie is a stub returning -ENODEV); the arm_iommu mapping is set up ${this.armShared ? (this.armShared.scope === "instance" ? "per IOMMU instance (hypothetical)" : "per group (hypothetical)") : "per device"} at bind`;
    } else {
      domain = this.allocDefault(g, this.groupDomainType(g) ?? this.defaultType);
      const failure = this.lastAllocFailure as Failure | undefined;
      why = failure ? `${failure.where} failed with ${failure.errno}: ${failure.message}` : `${inst.row!.driver} cannot allocate one (${this.supportedTypes(inst)})`;
    }
    if (!domain) {
      const failure = this.lastAllocFailure as Failure | undefined;
      if (failure) for (const d of g.devices) if (!this.states[d.id]!.noDefaultNoted) addError(this.states[d.id]!.out, failure);
      // The core retries at every member's probe (iommu_alloc_default_domain); say it once per device.
      for (const d of g.devices) {
        const st = this.states[d.id]!;
        if (!st.noDefaultNoted) this.note(st, `group ${g.id} has no default domain (${why})`);
        st.noDefaultNoted = true;
      }
      // 6.7+ ("iommu: Require a default_domain for all iommu drivers"): iommu_setup_default_domain
      // returns -ENODEV and __iommu_probe_device unwinds; before, the group simply had none.
      if (versionAtLeast(this.options.kernel, 6, 7)) {
        for (const d of [...g.devices]) this.releaseFromGroup(this.states[d.id]!);
      }
      return;
    }
    g.defaultDomain = domain;
    g.domain = domain;
    for (const d of g.devices) this.directMappings(this.states[d.id]!, domain);
    for (const d of [...g.devices]) this.attach(domain, this.states[d.id]!);
  }

  private supportedTypes(inst: IommuInstance): string {
    const ops = this.ops(inst);
    const types = (["identity", "DMA", "unmanaged"] as const).filter((t) => ops.supportsType(inst, t, this));
    return `domain_alloc supports ${types.length > 0 ? types.join(", ") : "no type"} on ${this.options.kernel.label}`;
  }

  private allocDefault(g: IommuGroup, req: DomainType): IommuDomain | undefined {
    const inst = g.instance;
    const ops = this.ops(inst);
    const perInstance = this.config.policy === "per-instance";
    if (perInstance && (req === "DMA" || req === "DMA-FQ")) {
      const shared = this.perInstanceDomain.get(inst);
      if (shared) return shared;
    }
    let type = req;
    if (type === "DMA-FQ" && !ops.deferredFlush && versionAtLeast(this.options.kernel, 6, 5)) type = "DMA"; // FQ downgraded at DMA-ops setup
    // Only translated (DMA) default domains are shared per instance under that policy; an
    // identity default stays the group's own.
    const ownerFor = (t: DomainType) => (perInstance && (t === "DMA" || t === "DMA-FQ") ? "per-instance" : "default");
    let domain = ops.supportsType(inst, type, this) ? this.allocDomain(inst, type, ownerFor(type)) : undefined;
    if (!domain && type !== "DMA" && ops.supportsType(inst, "DMA", this)) {
      domain = this.allocDomain(inst, "DMA", ownerFor("DMA"));
      if (domain) this.emit("log", null, "warn", `Failed to allocate default IOMMU domain of type ${DOMAIN_TYPE_VALUES[type]} for group ${g.name ?? "(null)"} - Falling back to IOMMU_DOMAIN_DMA`, "iommu");
    }
    if (domain && perInstance && (domain.type === "DMA" || domain.type === "DMA-FQ")) this.perInstanceDomain.set(inst, domain);
    return domain;
  }

  /** Why the last allocDomain returned nothing. */
  lastAllocFailure: Failure | undefined;

  /** The global default domain type (iommu_def_domain_type). */
  get globalDefaultType(): DomainType {
    return this.defaultType;
  }

  allInstances(): readonly IommuInstance[] {
    return this.instances;
  }

  allocDomain(inst: IommuInstance, type: DomainType, owner: string): IommuDomain | undefined {
    const ops = this.ops(inst);
    this.lastAllocFailure = undefined;
    const paging = type === "DMA" || type === "DMA-FQ" || type === "unmanaged";
    const d: IommuDomain = { id: this.nextDomainId++, type, instance: inst, owner, resource: null, aperture: paging ? ops.aperture(inst) : null, devices: [], finalised: false };
    const r = ops.allocDomain(d, this);
    if (!r.ok) {
      this.lastAllocFailure = r.failure;
      this.emit("log", inst.device, "err", `${r.failure.where}: ${r.failure.message} (${r.failure.errno})`, inst.row!.driver);
      return undefined;
    }
    this.domains.add(d);
    return d;
  }

  freeDomain(d: IommuDomain): void {
    if (!this.domains.has(d)) return;
    this.ops(d.instance).freeDomain(d, this);
    this.domains.delete(d);
    if (this.perInstanceDomain.get(d.instance) === d) this.perInstanceDomain.delete(d.instance);
    this.armShared?.forget(d);
  }

  /** __iommu_attach_device: the driver's attach_dev; failure removes the device from its group. */
  private attach(domain: IommuDomain, s: DevState): Result<void> {
    const r = this.ops(domain.instance).attachDev(domain, s.dev, s.fwspec!, this);
    if (!r.ok) {
      this.failWith(s, r.failure, null);
      this.note(s, `attach to domain ${domain.id} (${domain.type}) failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}; the device leaves its group and uses dma-direct`);
      this.releaseFromGroup(s);
      return r;
    }
    if (s.out.domain !== domain) domain.devices.push(s.dev);
    s.out.domain = domain;
    return r;
  }

  /** iommu_device_use_default_domain. */
  private useDefaultDomain(s: DevState): Step {
    const g = s.out.group!;
    if (versionAtLeast(this.options.kernel, 6, 15) && !g.defaultDomain) {
      s.deferReason = `group ${g.id} has no default domain (-EPROBE_DEFER from iommu_device_use_default_domain)`;
      return "defer";
    }
    // A shared arm32 mapping (hypothetical per-group / per-instance) is the group's DMA-API domain
    // under that policy, the way the default domain is under per-group: it does not count as a
    // foreign domain.
    const onDmaApiDomain = g.domain === g.defaultDomain || (this.armShared?.isShared(g.domain) ?? false);
    if (g.ownerCnt > 0 && (!onDmaApiDomain || g.owner)) {
      return { errno: "-EBUSY", where: "iommu_device_use_default_domain", message: `group ${g.id} is ${g.owner ? `owned by ${g.owner}` : `attached to non-default domain ${g.domain?.id}`}` };
    }
    if (!s.usesDefaultDomain) {
      g.ownerCnt++;
      s.usesDefaultDomain = true;
    }
    return "ok";
  }

  // ---------------------------------------------------------------- DMA ops

  /** arch_setup_dma_ops / iommu_setup_dma_ops. */
  private setupDmaOps(s: DevState): void {
    if (s.dmaOpsDone) return;
    s.dmaOpsDone = true;
    const g = s.out.group;
    if (!g || !s.fwspec) {
      s.out.dmaOps = "direct";
      const wanted = s.out.iommuWanted;
      if (wanted && wanted.row?.family === "arm-smmu" && smmuDisablesBypass(wanted, this.bootargs) && s.out.errors.length > 0 && isAvailable(wanted.node)) {
        this.note(s, `its stream IDs are not configured on ${wanted.node.path}; with arm-smmu.disable_bypass its DMA faults`);
      }
      return;
    }
    if (s.match.driverManagedDma && s.match.name !== "pcieport") {
      // VFIO / pci-stub: the driver does its own IOMMU work and never uses the DMA API.
      s.out.dmaOps = "direct";
      return;
    }
    if (this.armDmaMapping) {
      this.armIommuMapping(s, g);
      return;
    }
    const domain = g.domain;
    if (!domain && !versionAtLeast(this.options.kernel, 6, 15)) {
      // iommu_setup_dma_ops: no domain (the driver could not allocate a default one).
      this.emit("log", null, "warn", `Failed to set up IOMMU for device ${s.dev.name}; retaining platform DMA ops`, "");
      this.note(s, `group ${g.id} has no domain: iommu_setup_dma_ops keeps dma-direct`);
      s.out.dmaOps = "direct";
      return;
    }
    if (!domain || (domain.type !== "DMA" && domain.type !== "DMA-FQ")) {
      s.out.dmaOps = "direct";
      return;
    }
    // iommu_dma_init_domain: the device's DMA ranges must reach into the aperture.
    const ap = domain.aperture!;
    const ranges = s.out.dmaRanges;
    if (ranges && ranges.length > 0 && ranges.every((r) => r.dmaStart > ap.end || r.dmaStart + r.size - 1n < ap.start)) {
      // dma-iommu.c pr_warn lines (no pr_fmt there).
      this.emit("log", null, "warn", "specified DMA range outside IOMMU capability", "");
      this.emit("log", null, "warn", `Failed to set up IOMMU for device ${s.dev.name}; retaining platform DMA ops`, "");
      addError(s.out, { errno: "-EFAULT", where: "iommu_dma_init_domain", message: "specified DMA range outside IOMMU capability" });
      s.out.dmaOps = "direct";
      return;
    }
    s.out.dmaOps = "iommu";
  }

  /** arm32 arm_setup_iommu_dma_ops: a new mapping (UNMANAGED domain) for this device alone. */
  private armIommuMapping(s: DevState, g: IommuGroup): void {
    s.out.dmaOps = "direct";
    let base = 0n;
    let size = 1n << 32n;
    if (s.out.dmaRanges && s.out.dmaRanges.length > 0) {
      base = s.out.dmaRanges.reduce((m, r) => (r.dmaStart < m ? r.dmaStart : m), s.out.dmaRanges[0]!.dmaStart);
      const end = s.out.dmaRanges.reduce((m, r) => (r.dmaStart + r.size > m ? r.dmaStart + r.size : m), 0n);
      size = end - base;
    }
    // arm_setup_iommu_dma_ops prints with pr_warn: no device prefix (arch/arm/mm/dma-mapping.c).
    const fail = (f: Failure, msg: string) => {
      addError(s.out, f);
      this.emit("log", null, "warn", msg, "");
    };
    if (size > 1n << 32n) {
      fail({ errno: "-ERANGE", where: "arm_iommu_create_mapping", message: `mapping of ${size} bytes exceeds 4 GiB` }, `Failed to create ${size}-byte IOMMU mapping for device ${s.dev.name}`);
      return;
    }
    if (this.armShared) {
      this.armSharedMapping(s, g, size, fail);
      return;
    }
    const inst = g.instance;
    const domain = this.allocDomain(inst, "unmanaged", "arm-dma-mapping");
    if (!domain) {
      fail({ errno: "-ENOMEM", where: "arm_iommu_create_mapping", message: `${inst.row!.driver} cannot allocate an UNMANAGED domain` }, `Failed to create ${size}-byte IOMMU mapping for device ${s.dev.name}`);
      return;
    }
    // iommu_attach_device refuses multi-device groups since default domains (about 4.4).
    if (g.devices.length !== 1 && versionAtLeast(this.options.kernel, 4, 4)) {
      this.freeDomain(domain);
      fail({ errno: "-EINVAL", where: "iommu_attach_device", message: `group ${g.id} has ${g.devices.length} devices; iommu_attach_device needs a singleton group` }, `Failed to attached device ${s.dev.name} to IOMMU_mapping`);
      return;
    }
    const r = this.ops(inst).attachDev(domain, s.dev, s.fwspec!, this);
    if (!r.ok) {
      this.freeDomain(domain);
      fail(r.failure, `Failed to attached device ${s.dev.name} to IOMMU_mapping`);
      this.note(s, `arm32 mapping attach failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}`);
      return;
    }
    if (s.out.domain && s.out.domain !== domain) leaveDomain(this, s.dev, s.out.domain);
    domain.devices.push(s.dev);
    g.domain = domain;
    s.out.domain = domain;
    s.out.dmaOps = "iommu";
  }

  /**
   * arm32 under the hypothetical per-instance / per-group policy: arch_setup_dma_ops takes a
   * reference on the instance's (group's) mapping, creating it at the first device, and attaches
   * the device's group to it with iommu_attach_group (arm-shared-mapping.ts).
   */
  private armSharedMapping(s: DevState, g: IommuGroup, size: bigint, fail: (f: Failure, msg: string) => void): void {
    const shared = this.armShared!;
    const r = shared.setup(s, g);
    if (!r.ok) {
      if (r.stage === "alloc") fail(r.failure, `Failed to create ${size}-byte IOMMU mapping for device ${s.dev.name}`);
      else {
        fail(r.failure, `Failed to attached device ${s.dev.name} to IOMMU_mapping`);
        this.note(s, `arm32 ${shared.owner} mapping: attaching group ${g.id} failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}`);
      }
      return;
    }
    const what = shared.scope === "instance" ? `${g.instance.node.path}'s shared arm_iommu mapping` : `group ${g.id}'s shared arm_iommu mapping`;
    if (r.created) this.note(s, `arch_setup_dma_ops (hypothetical ${shared.owner}): created ${what}, domain ${r.domain.id}, and attached group ${g.id} to it`);
    else if (r.attached) this.note(s, `arch_setup_dma_ops (hypothetical ${shared.owner}): took a reference on ${what}, domain ${r.domain.id}, and attached group ${g.id} to it (iommu_attach_group)`);
    else this.note(s, `arch_setup_dma_ops (hypothetical ${shared.owner}): took a reference on ${what}, domain ${r.domain.id} (group ${g.id} is already attached)`);
    s.out.domain = r.domain;
    s.out.dmaOps = "iommu";
  }

  /** Devices holding a reference on a shared arm32 mapping (undefined: `d` is not one). */
  armSharedUsers(d: IommuDomain | null | undefined): number | undefined {
    return this.armShared?.usersOf(d);
  }

  // ---------------------------------------------------------------- runtime (scenarios)

  /** Writing `unbind`: __device_release_driver. */
  unbindDevice(s: DevState): Result<void> {
    if (s.out.state !== "bound") return { ok: false, failure: { errno: "-ENODEV", where: "unbind_store", message: `${s.dev.name} is not bound to a driver` } };
    if (s.instance) return { ok: false, failure: { errno: "-ENOENT", where: "suppress_bind_attrs", message: `${s.out.driver} sets suppress_bind_attrs: an IOMMU driver has no unbind file` } };
    this.releaseDriver(s);
    return { ok: true, value: undefined };
  }

  /** __device_release_driver: created devices go first, then UNBIND, dma_cleanup, teardown, UNBOUND. */
  private releaseDriver(s: DevState): void {
    this.tegraDrm.beforeUnbind(s);
    const created = this.graph.createdBy.get(s.dev) ?? [];
    for (let i = created.length - 1; i >= 0; i--) {
      const c = this.states[created[i]!.id]!;
      if (c.added) this.removeTree(c);
    }
    s.inProbe = true;
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_UNBIND_DRIVER");
    this.dmaCleanup(s);
    this.teardownDmaOps(s);
    s.inProbe = false;
    s.out.stateReason = `driver ${s.out.driver} was unbound`;
    s.out.state = "unbound";
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_UNBOUND_DRIVER");
  }

  /** device_unbind_cleanup -> arch_teardown_dma_ops: an arm32 mapping is detached and released. */
  private teardownDmaOps(s: DevState): void {
    s.dmaOpsDone = false;
    const r = this.releaseArmMapping(s);
    if (r && this.armShared?.owner === r.domain.owner) {
      this.note(s, `arch_teardown_dma_ops dropped its reference on the shared ${r.domain.owner} arm_iommu mapping (domain ${r.domain.id}); ${describeSharedRelease(r, s.out.domain === r.domain)}`);
    }
  }

  /**
   * arm_iommu_detach_device + arm_iommu_release_mapping: back to the group's default domain. A
   * shared mapping (hypothetical arm32 policies) only loses this device's reference; its group
   * leaves it with its last user, the mapping goes with the last reference. Returns what was
   * released, or undefined when the device had no arm mapping.
   */
  releaseArmMapping(s: DevState): { readonly domain: IommuDomain; readonly freed: boolean; readonly usersLeft: number } | undefined {
    const shared = this.armShared?.release(s);
    if (shared) return shared;
    const m = s.out.domain;
    const g = s.out.group;
    if (!m || !g || m.owner !== "arm-dma-mapping") return undefined;
    if (g.defaultDomain && deviceSetDomain(this, s, g, g.defaultDomain).ok) g.domain = g.defaultDomain;
    else {
      leaveDomain(this, s.dev, m);
      s.out.domain = null;
      g.domain = g.defaultDomain;
    }
    this.freeDomain(m);
    s.out.dmaOps = "direct";
    return { domain: m, freed: true, usersLeft: 0 };
  }

  /** Writing `bind` (with driver_override when a driver is named): really_probe now. */
  bindDevice(s: DevState, driver: string | undefined): Result<void> {
    const fail = (errno: "-ENODEV" | "-EBUSY", where: string, message: string): Result<void> => ({ ok: false, failure: { errno, where, message } });
    if (!s.added) return fail("-ENODEV", "bind_store", `${s.dev.name} does not exist`);
    if (s.out.state === "bound") return fail("-EBUSY", "device_driver_attach", `${s.dev.name} is already bound to ${s.out.driver}`);
    if (s.onDeferredList) return fail("-EBUSY", "bind_store", `${s.dev.name} is on the deferred-probe list`);
    const natural = matchDriver(s.dev, !!s.instance);
    let match = natural;
    if (driver !== undefined && driver !== natural.name) {
      if ((OVERRIDE_DRIVERS[s.dev.bus] ?? []).includes(driver)) match = { name: driver, assumed: false, initcall: "device", driverManagedDma: true };
      else return fail("-ENODEV", "bind_store", `no modelled ${s.dev.bus} driver ${driver} matches ${s.dev.name} (driver_override accepts ${(OVERRIDE_DRIVERS[s.dev.bus] ?? []).join(", ")} or its own driver ${natural.name ?? "(none)"})`);
    }
    if (!match.name) return fail("-ENODEV", "bind_store", `no driver matches ${s.dev.name}`);
    s.match = match;
    s.out.driver = match.name;
    s.out.driverAssumed = match.assumed;
    s.out.driverManagedDma = match.driverManagedDma;
    s.out.state = "not-created";
    s.out.stateReason = undefined;
    const errorsBefore = s.out.errors.length;
    this.queue.push(s);
    this.drain();
    if ((s.out.state as string) === "bound") return { ok: true, value: undefined };
    if (s.onDeferredList) return { ok: false, failure: { errno: "-EPROBE_DEFER", where: "really_probe", message: `${s.dev.name} deferred its probe (${s.out.stateReason ?? ""})` } };
    const err = s.out.errors[s.out.errors.length - 1];
    if (err && s.out.errors.length > errorsBefore) return { ok: false, failure: err };
    return { ok: false, failure: { errno: "-ENODEV", where: "really_probe", message: s.out.stateReason ?? "bind failed" } };
  }

  /** device_del of a device and everything below it (PCI functions behind a bridge, populated children). */
  removeDevice(s: DevState): Result<void> {
    if (!s.added) return { ok: false, failure: { errno: "-ENODEV", where: "device_del", message: `${s.dev.name} does not exist` } };
    if (s.instance && s.out.state === "bound") return { ok: false, failure: { errno: "-EBUSY", where: "device_del", message: `${s.dev.name} is a registered IOMMU; its driver cannot be removed` } };
    this.removeTree(s);
    return { ok: true, value: undefined };
  }

  /** Post-order removal with an explicit stack: children before their parent. */
  private removeTree(root: DevState): void {
    const order: DevState[] = [];
    const stack: { s: DevState; expanded: boolean }[] = [{ s: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.expanded) {
        stack.pop();
        order.push(top.s);
        continue;
      }
      top.expanded = true;
      for (const c of this.childrenOf(top.s)) if (c.added) stack.push({ s: c, expanded: false });
    }
    for (const s of order) this.deviceDel(s);
  }

  /** Devices whose lifetime hangs on `s`: created by its driver, or PCI functions below it. */
  private childrenOf(s: DevState): DevState[] {
    const out = (this.graph.createdBy.get(s.dev) ?? []).map((d) => this.states[d.id]!);
    const f = s.dev.pci;
    if (f && f.header === 1) for (const g of f.hostBridge.functions) if (g.upstream === f && g.dev) out.push(this.states[g.dev.id]!);
    return out;
  }

  /** device_del: unbind, DEL_DEVICE, REMOVED_DEVICE -> iommu_release_device. */
  private deviceDel(s: DevState): void {
    if (!s.added) return;
    if (s.out.state === "bound") this.releaseDriver(s);
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_DEL_DEVICE");
    if (s.onDeferredList) {
      s.onDeferredList = false;
      this.deferred.splice(this.deferred.indexOf(s), 1);
    }
    this.emit("notifier", s.dev, "debug", "BUS_NOTIFY_REMOVED_DEVICE");
    this.releaseFromGroup(s);
    s.added = false;
    s.out.state = "removed";
    s.out.stateReason = "removed (device_del)";
    s.out.dmaOps = "direct";
  }

  /** Frees an in-kernel user's domain once no group uses it. */
  freeIfUnused(d: IommuDomain): void {
    if (d.devices.length > 0) return;
    for (const g of this.groups) if (g.domain === d || g.defaultDomain === d) return;
    this.freeDomain(d);
  }

  // ---------------------------------------------------------------- result

  private finish(): ProbeResult {
    for (let i = 0, states = this.states; i < states.length; i++) {
      const s = states[i]!;
      if (s.out.state === "removed" || s.out.state === "unbound") {
        // Scenario outcomes stand as they are.
      } else if (s.onDeferredList) {
        s.out.state = "deferred";
      } else if (!s.added) {
        s.out.state = "not-created";
        s.out.stateReason = s.dev.creator ? `created by ${s.dev.creator.name}, which never bound` : "never added";
      }
      // Unbound devices with a group (6.15+) still translate through it when DMA starts.
      if (!s.dmaOpsDone && s.out.group && s.out.state !== "bound") {
        const d = s.out.group.domain;
        s.out.dmaOps = d && (d.type === "DMA" || d.type === "DMA-FQ") ? "iommu" : "direct";
      }
      s.out.domain = s.out.group ? (s.out.domain ?? s.out.group.domain) : null;
      if (s.out.group === null) s.out.domain = null;
    }
    for (const inst of this.instances) {
      if (inst.state === "not-probed" && inst.row && isAvailable(inst.node) && !inst.device) inst.stateMessage = "node not populated (no platform device is created for it)";
    }
    const groups = [...this.groups].sort((a, b) => a.id - b.id);
    const domains = [...this.domains].sort((a, b) => a.id - b.id);
    return {
      graph: this.graph,
      options: this.options,
      config: this.config,
      bootargs: this.bootargsText,
      defaultDomainType: this.defaultType,
      devices: this.states.map((s) => s.out),
      instances: this.instances,
      groups,
      domains,
      events: this.events,
      scenario: this.scenarioOutcome,
    };
  }
}

/** One `iommus` entry (or a PCI ID mapped through `iommu-map`): the IOMMU node and its args. */
export interface IommusEntry {
  readonly node: DtNode;
  readonly args: readonly number[];
}

interface RangeEntry {
  readonly map: ReturnType<typeof dmaRangeMap>;
  /** The device's DMA limit under a "map" (MASK32 otherwise, unused). */
  readonly limit: bigint;
}

function rangeEntry(map: ReturnType<typeof dmaRangeMap>): RangeEntry {
  if (map.kind !== "map") return { map, limit: MASK32 };
  let end = 0n;
  for (const r of map.regions) if (r.dmaStart + r.size - 1n > end) end = r.dmaStart + r.size - 1n;
  // DMA_BIT_MASK(ilog2(end) + 1) caps the 32-bit default masks; bus_dma_limit = end.
  const bits = end.toString(2).length;
  const mask = bits >= 64 ? (1n << 64n) - 1n : (1n << BigInt(bits)) - 1n;
  return { map, limit: end < (MASK32 & mask) ? end : MASK32 & mask };
}

/** Runs the emulation over a device graph. */
export function runProbe(graph: DeviceGraph, options: ProbeOptions): ProbeResult {
  return new EmulatedKernel(graph, options).run();
}
