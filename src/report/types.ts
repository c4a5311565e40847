// The report contract (JSON, version 1). docs/report.md describes every field;
// schemas/report.schema.json validates it.
import type { DiagnosticJson } from "../source/index.ts";

export const REPORT_VERSION = 1;

/** Non-enumerable handle from a built report to the probe's column-wise event log (not in JSON). */
export const EVENT_LOG: unique symbol = Symbol("dtprobe.eventLog");

export interface ReportLimit {
  value: number | boolean | string;
  source: "tree" | "default" | "hw";
}

export interface ReportIommu {
  path: string;
  name: string | null;
  driver: string | null;
  model: string | null;
  compatible: string[];
  state: "registered" | "probe-failed" | "unknown-driver" | "disabled" | "not-probed";
  message: string | null;
  limits: Record<string, ReportLimit>;
  used: Record<string, number>;
  /** Beyond an assumed (default) limit: what the board needs (`smrs: 9`); attached as if present. */
  needs: Record<string, number>;
}

export interface ReportGroup {
  id: number;
  iommu: string;
  name: string | null;
  devices: string[];
  defaultDomain: number | null;
  domain: number | null;
  ownerCount: number;
  owner: string | null;
}

export interface ReportDomain {
  id: number;
  iommu: string;
  type: "DMA" | "DMA-FQ" | "identity" | "blocked" | "unmanaged";
  owner: string;
  asid: number | null;
  context: number | null;
  aperture: { start: string; end: string } | null;
  devices: string[];
}

export interface ReportError {
  errno: string;
  code: number;
  where: string;
  message: string;
  /** The failure comes only from a limit dtprobe assumed (its name), not from the tree or --hw. */
  assumedLimit: string | null;
}

export interface ReportDevice {
  name: string;
  path: string | null;
  bus: "platform" | "amba" | "pci";
  driver: string | null;
  driverAssumed: boolean;
  /** The driver is a module (=m): the module loaded for it after boot. */
  driverModule: string | null;
  /** Why no driver binds (null: one matches): no-match, not-built, module-not-loaded, early-init, amba-id-unknown, pci-ids-unknown, pci-file, unknown-iommu. */
  unboundReason: string | null;
  state: "bound" | "deferred" | "failed" | "no-driver" | "not-created" | "unbound" | "removed";
  reason: string | null;
  iommu: string | null;
  /** Further instances of the same driver that also translate for it (a second DART...). */
  extraIommus: string[];
  /** The IOMMU the tree names for it (even when configuration failed). */
  wantedIommu: string | null;
  specifiers: number[][];
  ids: number[];
  group: number | null;
  domain: number | null;
  dmaOps: "iommu" | "direct";
  coherent: boolean;
  dmaLimit: string;
  errors: ReportError[];
  notes: string[];
}

export interface ReportEvent {
  seq: number;
  stage: string;
  kind: "notifier" | "log" | "note";
  level: "info" | "warn" | "err" | "debug";
  device: string | null;
  prefix: string;
  message: string;
}

export interface Report {
  version: typeof REPORT_VERSION;
  tool: "dtprobe";
  config: {
    input: string | null;
    kernel: string;
    era: "creation" | "bind" | "add";
    policy: "per-group" | "per-device" | "per-instance";
    /** "option": --policy; "kernel": what this kernel does on this architecture. */
    policySource: "option" | "kernel";
    /** arm (32-bit, ARM_DMA_USE_IOMMU) or arm64 (iommu-dma). */
    arch: "arm" | "arm64";
    archSource: string;
    /** Why this run is not what a real kernel did (empty when it is). */
    hypothetical: string[];
    bootargs: string;
    bootargsSource: "chosen" | "option";
    defaultDomainType: "DMA" | "DMA-FQ" | "identity" | "blocked" | "unmanaged";
    /** The driver table used (docs/kernel-data.md), or why drivers are assumed. */
    kernelData: ReportKernelData;
  };
  summary: {
    devices: number;
    withIommu: number;
    groups: number;
    domains: number;
    /** Devices by state at the end (scenario steps included); `bound` is the rest. */
    deferred: number;
    failed: number;
    /** Error entries over all devices. */
    errors: number;
    /** Devices with at least one error other than -ENODEV, attached or not. */
    withErrors: number;
    /** Devices whose only errors are -ENODEV: their IOMMU declined them (disabled, allow list). */
    declined: number;
    /** Devices that name an IOMMU and ended in no group (the text's "not attached" lines). */
    notAttached: number;
    noDriver: number;
    notCreated: number;
    unbound: number;
    removed: number;
    /** Warning diagnostics (the tree's checks, input entries that were not used). */
    warnings: number;
    /** The worst class of finding (src/report/summary.ts); what `--fail-on` tests. */
    findings: "none" | "warning" | "error";
  };
  iommus: ReportIommu[];
  groups: ReportGroup[];
  domains: ReportDomain[];
  devices: ReportDevice[];
  events: ReportEvent[];
  diagnostics: DiagnosticJson[];
  /** Present only when a runtime scenario ran. */
  scenario?: ReportScenario;
}

export interface ReportScenarioStep {
  step: number;
  line: number;
  op: string;
  target: string;
  /** "ok", the errno name (`-EPERM`), or "failed" (an `expect` that does not hold). */
  result: string;
  code: number;
  where: string | null;
  message: string;
}

export interface ReportScenario {
  file: string;
  steps: ReportScenarioStep[];
}

export interface ReportMeta {
  /** The input file name as given (no absolute paths, so goldens stay portable). */
  readonly input?: string;
  readonly diagnostics?: readonly import("../source/index.ts").Diagnostic[];
}

/** config.kernelData: which drivers the emulated kernel has (KernelDataInfo in src/probe/drivers/catalog.ts). */
export interface ReportKernelData {
  source: "shipped" | "kernel-src" | "assumed";
  release: string | null;
  version: string | null;
  exact: boolean;
  note: string | null;
  from: string | null;
  configuration: { name: string; arch: "arm64" | "arm"; file: string; package: string | null; packageVersion: string | null } | null;
  assumed: string | null;
}
