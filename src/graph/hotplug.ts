// A PCI function that appears after boot (pciehp, or a rescan: pci_scan_slot -> pci_device_add):
// a struct device of its own, behind the bridge whose secondary bus it sits on (or on the root
// bus), reading its host bridge's DMA facts (`iommu-map`, `dma-ranges`) as every function does.
// The graph keeps what the kernel keeps: the device joins the host bridge's list of functions and
// the devices the host bridge's driver created.
import { pciDeviceName } from "./naming.ts";
import { fromInput } from "./pci.ts";
import type { PciFunctionInput } from "./pci-topology.ts";
import type { Device, DeviceGraph, DmaFacts, PciFunction, PciHostBridge } from "./types.ts";

/** The host bridge's platform device and the DMA facts its functions read (set when the graph is built). */
const hostBridges = new WeakMap<PciHostBridge, { readonly device: Device; readonly dma: DmaFacts }>();

export function registerHostBridge(bridge: PciHostBridge, device: Device, dma: DmaFacts): void {
  hostBridges.set(bridge, { device, dma });
}

export type HotAddResult =
  | { readonly ok: true; readonly device: Device; readonly fn: PciFunction }
  | { readonly ok: false; readonly errno: "-ENODEV"; readonly message: string };

/** The dev_name a `--pci` entry gets behind `bridge` (`0000:02:00.0`). */
export function hotAddName(bridge: PciHostBridge, input: PciFunctionInput): string {
  const f = fromInput(bridge, input);
  return pciDeviceName(f.segment, f.bus, f.devfn);
}

/**
 * Adds a function behind `bridge`. Its bus must be the root bus or the secondary bus of a bridge
 * function that is present (`isPresent`: the caller knows which devices are still there); else
 * there is no slot for it (-ENODEV). The caller checks that the name is free.
 */
export function hotAddPciFunction(graph: DeviceGraph, bridge: PciHostBridge, input: PciFunctionInput, isPresent: (dev: Device) => boolean): HotAddResult {
  const host = hostBridges.get(bridge);
  if (!host) return { ok: false, errno: "-ENODEV", message: "the host bridge has no platform device" };
  const f = fromInput(bridge, input);
  if (f.bus !== bridge.rootBus) {
    // The newest present bridge wins (a bridge removed and added again is a new function).
    let up: PciFunction | undefined;
    for (const b of bridge.functions) if (b.header === 1 && b.secondary === f.bus && b.dev && isPresent(b.dev)) up = b;
    if (!up) return { ok: false, errno: "-ENODEV", message: `no bridge of the host bridge leads to bus ${f.bus.toString(16).padStart(2, "0")} (root bus ${bridge.rootBus.toString(16).padStart(2, "0")})` };
    f.upstream = up;
  }
  const devices = graph.devices as Device[];
  const dev: Device = {
    id: devices.length,
    name: pciDeviceName(f.segment, f.bus, f.devfn),
    bus: "pci",
    node: null,
    path: null,
    parent: f.upstream?.dev ?? host.device,
    compatible: [],
    origin: "pci",
    creator: host.device,
    pci: f,
    dma: host.dma,
  };
  devices.push(dev);
  f.dev = dev;
  bridge.functions.push(f);
  const created = graph.createdBy as Map<Device, Device[]>;
  const list = created.get(host.device);
  if (list) list.push(dev);
  else created.set(host.device, [dev]);
  return { ok: true, device: dev, fn: f };
}
