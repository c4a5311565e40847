// PCIe host bridges (ECAM generic) with a root port, legacy INTx routing, and the `msi-map` /
// `iommu-map` tables that send requester IDs to the ITS and to an SMMU (pci-iommu.txt binding).
import type { IommuPlan } from "./iommu-plan.ts";
import type { IrqAllocator } from "./platform.ts";
import type { Lines } from "./text.ts";
import { hex, unitAddress } from "./text.ts";

/** Each host owns requester IDs 0..RID_SPAN-1 (buses 0..0x3f) and maps them to its own SID window. */
const RID_SPAN = 0x4000;
export const MAX_PCI_HOSTS = 4;
const HOST_BASE_HI = 0x40;

export function pciHostCount(devices: number): number {
  return 1 + Math.min(MAX_PCI_HOSTS - 1, Math.floor(devices / 10000));
}

export function emitPciHosts(out: Lines, count: number, plan: IommuPlan, irqs: IrqAllocator): void {
  for (let h = 0; h < count; h++) {
    const hi = HOST_BASE_HI + 4 * h;
    const t = "\t\t\t";
    out.push(`\t\tpcie${h}: pcie@${unitAddress(hi * 2 ** 32)} {`);
    out.push(`${t}compatible = "dtprobe,gen-pcie", "pci-host-ecam-generic";`);
    out.push(`${t}device_type = "pci";`);
    out.push(`${t}reg = <${hex(hi)} 0x0 0x0 0x10000000>;`);
    out.push(`${t}bus-range = <0x0 0x3f>;`);
    out.push(`${t}#address-cells = <3>;`);
    out.push(`${t}#size-cells = <2>;`);
    out.push(`${t}ranges = <0x1000000 0x0 0x0 ${hex(hi + 1)} 0x0 0x0 0x100000>,`);
    out.push(`${t}\t <0x2000000 0x0 0x40000000 ${hex(hi + 1)} 0x40000000 0x0 0x40000000>,`);
    out.push(`${t}\t <0x43000000 ${hex(hi + 2)} 0x0 ${hex(hi + 2)} 0x0 0x1 0x0>;`);
    out.push(`${t}#interrupt-cells = <1>;`);
    out.push(`${t}interrupt-map-mask = <0x0 0x0 0x0 0x7>;`);
    const lines: string[] = [];
    for (let pin = 1; pin <= 4; pin++) lines.push(`<0x0 0x0 0x0 ${pin} &gic 0x0 0x0 0x0 ${irqs.next()} 0x4>`);
    out.push(`${t}interrupt-map = ${lines[0]},`);
    for (let k = 1; k < 4; k++) out.push(`${t}\t\t${lines[k]}${k < 3 ? "," : ";"}`);
    out.push(`${t}msi-map = <0x0 &its ${hex(h * RID_SPAN)} ${hex(RID_SPAN)}>;`);
    const target = plan.pciTarget(h);
    if (target !== undefined) {
      out.push(`${t}iommu-map = <0x0 &${target.label} ${hex(h * RID_SPAN)} ${hex(RID_SPAN)}>;`);
      out.push(`${t}iommu-map-mask = <0xffff>;`);
    }
    out.push(`${t}dma-coherent;`);
    out.push(`${t}status = "okay";`);
    out.push("");
    out.push(`${t}pcie${h}_rp0: pcie@0,0 {`);
    out.push(`${t}\tdevice_type = "pci";`);
    out.push(`${t}\treg = <0x0 0x0 0x0 0x0 0x0>;`);
    out.push(`${t}\tbus-range = <0x1 0x3f>;`);
    out.push(`${t}\t#address-cells = <3>;`);
    out.push(`${t}\t#size-cells = <2>;`);
    out.push(`${t}\tranges;`);
    out.push(`${t}};`);
    out.push("\t\t};");
    out.push("");
  }
}
