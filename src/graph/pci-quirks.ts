// PCI quirks that change IOMMU grouping (drivers/pci/quirks.c). Only the two families the IOMMU
// core consults are modelled: DMA alias quirks (pci_add_dma_alias / PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS,
// read by pci_for_each_dma_alias) and device-specific ACS answers (pci_dev_specific_acs_enabled,
// read by pci_acs_enabled). The table is a representative subset of the kernel's, chosen for the
// devices found on Arm boards and in QEMU; `dmaAliases` in the --pci file covers the rest.
import type { AcsFlag, PcieType } from "./pci-topology.ts";

export interface QuirkDevice {
  readonly vendor: number;
  readonly device: number;
  readonly pcie: PcieType | null;
  readonly multifunction: boolean;
  readonly fn: number;
}

/** DMA alias quirks, keyed by vendor:device. */
type AliasQuirk = { kind: "func0" } | { kind: "func1" } | { kind: "fixed"; devfn: number } | { kind: "pcie-bridge-alias" };

const key = (v: number, d: number) => (v << 16) | d;

const ALIAS_QUIRKS = new Map<number, AliasQuirk>([
  // quirk_dma_func0_alias: Ricoh multi-function card readers use function 0's requester ID.
  [key(0x1180, 0xe832), { kind: "func0" }],
  [key(0x1180, 0xe476), { kind: "func0" }],
  // quirk_dma_func1_alias: Marvell/TTI/JMicron SATA controllers DMA as function 1.
  ...[0x9120, 0x9123, 0x9125, 0x9128, 0x9130, 0x9170, 0x9172, 0x917a, 0x9182, 0x9183, 0x91a0, 0x9215, 0x9220, 0x9230].map(
    (d) => [key(0x1b4b, d), { kind: "func1" }] as [number, AliasQuirk],
  ),
  [key(0x1103, 0x0642), { kind: "func1" }],
  [key(0x1103, 0x0645), { kind: "func1" }],
  [key(0x197b, 0x2392), { kind: "func1" }],
  // quirk_fixed_dma_alias: Adaptec 3405 uses devfn 01.0.
  [key(0x9005, 0x0285), { kind: "fixed", devfn: 0x08 }],
  // quirk_use_pcie_bridge_dma_alias: PCIe-to-PCI bridges without a PCIe capability that still alias
  // with the subordinate bus number (ASMedia ASM1083/1085, Tundra, ITE, Intel 82801).
  [key(0x1b21, 0x1080), { kind: "pcie-bridge-alias" }],
  [key(0x10e3, 0x8113), { kind: "pcie-bridge-alias" }],
  [key(0x1283, 0x8892), { kind: "pcie-bridge-alias" }],
  [key(0x1283, 0x8893), { kind: "pcie-bridge-alias" }],
  [key(0x8086, 0x244e), { kind: "pcie-bridge-alias" }],
]);

/** Extra devfns on the same bus this function issues DMA as (pdev->dma_alias_mask). */
export function quirkDmaAliases(d: QuirkDevice, devfn: number): number[] {
  const q = ALIAS_QUIRKS.get(key(d.vendor, d.device));
  if (!q) return [];
  const slot = devfn & ~7;
  if (q.kind === "func0") return d.fn !== 0 ? [slot] : [];
  if (q.kind === "func1") return d.fn !== 1 ? [slot | 1] : [];
  if (q.kind === "fixed") return [q.devfn];
  return [];
}

export function quirkPcieBridgeAlias(d: QuirkDevice): boolean {
  return ALIAS_QUIRKS.get(key(d.vendor, d.device))?.kind === "pcie-bridge-alias";
}

/** pci_acs_ctrl_enabled: 1 if every requested flag is among those the device effectively enforces. */
function ctrlEnabled(req: ReadonlySet<AcsFlag>, enforced: readonly AcsFlag[]): boolean {
  for (const f of req) if (!enforced.includes(f)) return false;
  return true;
}

type AcsQuirk = (d: QuirkDevice, req: ReadonlySet<AcsFlag>) => boolean | undefined;

/** pci_quirk_xgene_acs / pci_quirk_qcom_rp_acs: root ports that isolate without an ACS capability. */
const rootPortIsolated: AcsQuirk = (_d, req) => ctrlEnabled(req, ["SV", "RR", "CR", "UF"]);
/** pci_quirk_mf_endpoint_acs: multi-function endpoints with no internal peer-to-peer path. */
const mfEndpoint: AcsQuirk = (_d, req) => ctrlEnabled(req, ["SV", "TB", "RR", "CR", "UF", "DT"]);
/** pci_quirk_cavium_acs: ThunderX root ports (device 0xa000-0xa0ff). */
const cavium: AcsQuirk = (d, req) => (d.pcie === "root-port" && d.device >= 0xa000 && d.device <= 0xa0ff ? ctrlEnabled(req, ["SV", "RR", "CR", "UF"]) : undefined);
/** pci_quirk_al_acs: Annapurna Labs root ports block peer-to-peer but do not redirect. */
const annapurna: AcsQuirk = (d, req) => {
  if (d.pcie !== "root-port") return undefined;
  for (const f of req) if (f !== "RR" && f !== "CR" && f !== "EC") return false;
  return true;
};

const ACS_QUIRKS: { vendor: number; device: number | "any"; fn: AcsQuirk }[] = [
  { vendor: 0x10e8, device: 0xe004, fn: rootPortIsolated }, // APM X-Gene
  ...[0xe005, 0xe006, 0xe007, 0xe008, 0xe009, 0xe00a, 0xe00b, 0xe00c, 0xe00d, 0xe00e, 0xe00f].map((device) => ({ vendor: 0x1def, device, fn: rootPortIsolated })), // Ampere
  { vendor: 0x17cb, device: 0x0400, fn: rootPortIsolated }, // Qualcomm
  { vendor: 0x17cb, device: 0x0401, fn: rootPortIsolated },
  { vendor: 0x177d, device: "any", fn: cavium },
  { vendor: 0x1c36, device: "any", fn: annapurna },
  { vendor: 0x1924, device: 0x0903, fn: mfEndpoint }, // Solarflare
  { vendor: 0x1924, device: 0x0923, fn: mfEndpoint },
  ...[0x10c6, 0x10db, 0x10dd, 0x10e1, 0x10f1, 0x10f7, 0x10f8, 0x10f9, 0x10fa, 0x10fb, 0x10fc, 0x1507, 0x1514, 0x151c, 0x1528, 0x154a, 0x1557, 0x1572, 0x1580, 0x1581, 0x1583, 0x1584].map(
    (device) => ({ vendor: 0x8086, device, fn: mfEndpoint }),
  ), // Intel 10/40G NICs
];

/** pci_dev_specific_acs_enabled: true/false when a quirk answers, undefined otherwise (-ENOTTY). */
export function quirkAcsEnabled(d: QuirkDevice, req: ReadonlySet<AcsFlag>): boolean | undefined {
  for (const q of ACS_QUIRKS) {
    if (q.vendor !== d.vendor || (q.device !== "any" && q.device !== d.device)) continue;
    const r = q.fn(d, req);
    if (r !== undefined) return r;
  }
  return undefined;
}
