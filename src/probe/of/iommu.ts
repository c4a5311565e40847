// drivers/iommu/of_iommu.c: of_iommu_configure builds a device's fwspec from its `iommus` entries
// (or, for PCI, its requester IDs through the host bridge's `iommu-map`), of_iommu_xlate hands
// each entry to the IOMMU driver's of_xlate after iommu_fwspec_init's checks, waiting (deferring)
// for an IOMMU driver that has not registered until the deferred probe timeout.
import type { IommusEntry, IommusError, OfIommuNode } from "../../graph/index.ts";
import { addError, EMPTY, forEachDmaAlias, opsOf, type Failure, type Fwspec, type IommuInstance } from "../../iommu/index.ts";
import { ofMapId } from "../../of/index.ts";
import { stateFor, type DevState, type Kernel } from "../kernel.ts";

/** of_iommu_configure: build the fwspec from `iommus` or (PCI) `iommu-map`. */
export function ofIommuConfigure(k: Kernel, s: DevState): "ok" | "defer" {
  if (s.fwspec) return "ok";
  const dma = s.dev.dma;
  const built: IommusEntry[] = [];
  let entries: readonly IommusEntry[] = built;
  if (s.dev.bus === "pci") {
    if (k.options.kernel.era === "creation") return "ok"; // 3.19: "can't do much for PCI devices"
    // pci_request_acs() runs here, after enumeration: on DT boots ACS was never enabled.
    let stop = false;
    forEachDmaAlias(s.dev.pci!, (a) => {
      const m = ofMapId(dma.iommuMap, a.rid);
      if (m.kind === "mapped") built.push({ target: m.target, args: [m.id] });
      else if (m.kind === "untranslated") k.log.emit("log", null, "info", m.message, "OF");
      else if (m.kind === "error") {
        if (!s.specsRecorded) k.log.failWith(s, m.failure, "err");
        stop = true;
        return true;
      }
      return false;
    });
    if (stop) {
      s.specsRecorded = true;
      return "ok";
    }
  } else if (dma.iommus) {
    // Its entries are used as they are: nothing writes to an entry or its args.
    entries = dma.iommus.entries;
    if (dma.iommus.error && !s.specsRecorded) reportListError(k, s, dma.iommus.error);
  }
  const instanceByNode = k.iommu.instanceByNode;
  if (!s.specsRecorded) {
    // The shared empty list when there are none (as the state starts).
    // The args lists are read-only here and in the report (the outcome's type is the report's).
    s.out.specifiers = entries.length === 0 ? EMPTY : entries.map((e) => e.args as number[]);
    s.out.iommuWanted = entries[0] ? (instanceByNode.get(entries[0].target.node) ?? null) : null;
  }
  const first = !s.specsRecorded;
  s.specsRecorded = true;
  if (entries.length === 0) return "ok"; // -ENODEV: not behind an IOMMU
  let fwspec: Fwspec | null = null;
  for (const e of entries) {
    const r = ofIommuXlate(k, s, e.target, e.args, fwspec);
    if (r === "defer") return "defer";
    if (!("instance" in r)) {
      // Any other error: carry on without an IOMMU (6.8+ frees the partial fwspec).
      if (first || !s.out.errors.some((x) => x.message === r.message)) k.log.failWith(s, r, r.errno === "-ENODEV" ? null : "debug");
      if (r.errno !== "-ENODEV" && r.errno !== "-ETIMEDOUT") k.log.note(s, `no IOMMU: ${r.where} failed with ${r.errno} (${r.message})`);
      return "ok";
    }
    fwspec = r;
  }
  s.fwspec = fwspec;
  const translating = opsOf(fwspec!.instance).translatingInstance(fwspec!, s.dev);
  if (first && translating !== fwspec!.instance) {
    k.log.note(s, `${translating.driver!.name} uses only ${translating.path} for this master (the last iommus entry wins); ${fwspec!.instance.path} does not translate for it`);
  }
  s.out.iommu = translating;
  s.out.extraIommus = fwspec!.extraInstances.length === 0 ? EMPTY : [...fwspec!.extraInstances];
  s.out.ids = [...fwspec!.ids];
  return "ok";
}

/** of_phandle_iterator_next's pr_err lines. */
function reportListError(k: Kernel, s: DevState, e: IommusError): void {
  const np = s.dev.path!;
  let msg: string | undefined;
  if (e.kind === "unknown-phandle") msg = `${np}: could not find phandle ${e.phandle}`;
  else if (e.kind === "missing-cells") msg = `${np}: could not get #iommu-cells for ${e.targetPath}`;
  else if (e.kind === "truncated") msg = `${np}: #iommu-cells = ${e.expected} found ${e.found}`;
  if (msg) {
    k.log.emit("log", null, "err", msg, "OF");
    addError(s.out, { errno: "-EINVAL", where: "of_parse_phandle_with_args", message: `${msg} (iommus entry ${e.index} and later ignored)` });
  }
}

/** of_iommu_xlate + iommu_fwspec_init. */
function ofIommuXlate(k: Kernel, s: DevState, target: OfIommuNode, args: readonly number[], fwspec: Fwspec | null): Fwspec | "defer" | Failure {
  if (!target.available) return { errno: "-ENODEV", where: "of_iommu_xlate", message: `IOMMU ${target.path} is disabled (status = "${target.status}"): no IOMMU, parent dma-ranges apply` };
  const core = k.iommu;
  const inst = core.instanceByNode.get(target.node);
  if (!inst || !inst.registered) {
    if (k.options.kernel.era === "creation") return { errno: "-ENODEV", where: "of_iommu_configure", message: `no iommu_ops registered for ${target.path}` };
    // driver_deferred_probe_check_state (drivers/base/dd.c).
    if (!k.dd.initcallsDone || !k.dd.timeoutExpired) return "defer";
    k.log.emit("log", s.dev, "warn", "deferred probe timeout, ignoring dependency");
    return { errno: "-ETIMEDOUT", where: "driver_deferred_probe_check_state", message: `IOMMU ${target.path} was not registered at the deferred probe timeout (${whyNotRegistered(k, s, inst)})` };
  }
  // iommu_fwspec_init: registered but not ready, and no dev->iommu yet (6.15+).
  if (inst === core.notReady && !fwspec && !s.fwspec && core.walking !== s) {
    s.deferReason = `${inst.path} is registered but not ready (-EPROBE_DEFER from iommu_fwspec_init)`;
    return "defer";
  }
  if (fwspec && fwspec.instance.driver !== inst.driver) {
    return { errno: "-EINVAL", where: "iommu_fwspec_init", message: `iommus names IOMMUs of two drivers (${fwspec.instance.driver!.name} and ${inst.driver!.name}): one IOMMU per device` };
  }
  const spec: Fwspec = fwspec ?? { instance: inst, ids: [], specifiers: [], extraInstances: [] };
  const ops = opsOf(inst);
  if (fwspec && fwspec.instance !== inst && !ops.multiInstance && !s.firstIommuNoted?.has(inst)) {
    (s.firstIommuNoted ??= new Set()).add(inst);
    k.log.note(s, `IDs for ${inst.path} are programmed into the first IOMMU ${fwspec.instance.path} (the fwspec holds one IOMMU)`);
  }
  const r = ops.ofXlate(inst, s.dev, args, spec, core);
  if (!r.ok) return r.failure;
  spec.specifiers.push(args as number[]); // read-only (see ofIommuConfigure)
  return spec;
}

/**
 * Why an IOMMU instance a master waits for has not registered by the deferred-probe timeout:
 * its own probe failed or was never tried, or its driver is itself waiting (two IOMMUs that
 * are each other's masters wait for one another until the timeout breaks the cycle).
 */
function whyNotRegistered(k: Kernel, s: DevState, inst: IommuInstance | undefined): string {
  if (!inst) return "no IOMMU instance for this node";
  if (inst.stateMessage) return inst.stateMessage;
  if (!inst.device) return "node not populated (no platform device is created for it)";
  const own = stateFor(k, inst.device);
  // The timeout pass takes every device off the deferred list to retry it: ask what it waits for.
  const waits = own.out.iommuWanted;
  if (waits && !waits.registered && waits !== inst) {
    if (waits === s.instance) return `its own probe was deferred, waiting for IOMMU ${waits.path}: the two IOMMUs are each other's masters`;
    return `its own probe was deferred, waiting for IOMMU ${waits.path}`;
  }
  if (own.onDeferredList) return `its own probe was deferred (${own.out.stateReason ?? "-EPROBE_DEFER"})`;
  return `its driver has not bound (${own.out.state}${own.out.stateReason ? `: ${own.out.stateReason}` : ""})`;
}

/** The instance a device's first `iommus` entry names (platform devices; PCI maps its RID instead). */
export function firstIommusTarget(k: Kernel, s: DevState): IommuInstance | undefined {
  if (s.dev.bus === "pci") return undefined;
  // Only the first entry's phandle matters here (the whole list is of_iommu_configure's).
  const target = s.dev.dma.firstIommu;
  return target && k.iommu.instanceByNode.get(target.node);
}

/** The registered instance a platform device's first `iommus` entry names, if it probes at add. */
export function addProbeTarget(k: Kernel, s: DevState): IommuInstance | undefined {
  const inst = firstIommusTarget(k, s);
  return inst && inst.registered && opsOf(inst).probesAtAdd(k.iommu) ? inst : undefined;
}
