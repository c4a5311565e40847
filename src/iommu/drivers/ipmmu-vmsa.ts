// ipmmu-vmsa (drivers/iommu/ipmmu-vmsa.c): micro-TLB IDs, one group per (cache) IPMMU, contexts
// allocated in the main IPMMU, and an allow list of the devices that may use it.
import { ofParsePhandle } from "../../of/index.ts";
import type { IommuDriver, IommuDriverEntry, IommuMatch, IommuInstance } from "../driver.ts";

import { fail, IdAllocator, inputBitsAperture, instanceGroup, type InstanceGroupSlot, isPaging, limitNumber, ok, PAGING_DRIVER_CAPS, releaseDomainId, takeDomainId } from "./common.ts";

/** struct ipmmu_vmsa_device, the parts modelled. */
interface IpmmuState extends InstanceGroupSlot {
  /** mmu->root: the main IPMMU a cache IPMMU points at with `renesas,ipmmu-main` (undefined: itself). */
  root: IommuInstance<IpmmuState> | undefined;
  /** The context bitmap (used in the root). */
  readonly contexts: IdAllocator;
}

type Ipmmu = IommuInstance<IpmmuState>;
const rootOf = (inst: Ipmmu): Ipmmu => inst.priv.root ?? inst;

/** ipmmu-vmsa opt-in list (R-Car Gen3/Gen4): only these devices, and PCI, may use the IPMMU. */
const IPMMU_ALLOWLIST = new Set(["ee100000.mmc", "ee120000.mmc", "ee140000.mmc", "ee160000.mmc"]);

export const ipmmuVmsa: IommuDriver<IpmmuState> = {
  name: "ipmmu-vmsa",
  initcall: "device",
  caps: { ...PAGING_DRIVER_CAPS, counters: { contextBanks: "contexts" } },
  newInstanceState: () => ({ group: undefined, root: undefined, contexts: new IdAllocator() }),

  probeInstance(inst, core) {
    // ipmmu_probe: a cache IPMMU finds its main IPMMU (ipmmu_find_root).
    const main = ofParsePhandle(core.phandles, inst.node, "renesas,ipmmu-main");
    const root = main && core.instanceOf(main);
    if (root) inst.priv.root = root as Ipmmu;
    return ok(undefined);
  },

  ofXlate(inst, dev, args, fwspec) {
    if (dev.bus !== "pci" && !IPMMU_ALLOWLIST.has(dev.name)) return fail("-ENODEV", "ipmmu_of_xlate", `${dev.name} is not on the R-Car IPMMU allow list (ipmmu_device_is_allowed)`);
    const utlb = args[0] ?? 0;
    if (utlb >= limitNumber(inst, "utlbs", 48)) return fail("-EINVAL", "ipmmu_init_platform_device", `micro-TLB ${utlb} out of range`);
    fwspec.ids.push(utlb);
    return ok(undefined);
  },

  deviceGroup: (fwspec, _dev, core) => ok(instanceGroup(fwspec.instance, core)),

  attachDev(domain) {
    // ipmmu_domain_init_context: contexts come from the root (main) IPMMU.
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    const root = rootOf(domain.instance);
    const n = limitNumber(root, "contexts", 8);
    return takeDomainId(domain, "context", root.priv.contexts, 0, n, root, "contexts", () => fail("-EBUSY", "ipmmu_domain_allocate_context", `all ${n} IPMMU contexts in use`));
  },

  freeDomain(domain) {
    const root = rootOf(domain.instance);
    releaseDomainId(domain, "context", root.priv.contexts, root, "contexts");
  },

  aperture: inputBitsAperture,
};

function ipmmuMatchPattern(c: string): IommuMatch | undefined {
  if (!(/^renesas,ipmmu-r8a[0-9a-z]+$/.test(c) || c === "renesas,rcar-gen3-ipmmu" || c === "renesas,rcar-gen4-ipmmu-vmsa" || c === "renesas,ipmmu-vmsa")) return undefined;
  return { compatible: c, driver: ipmmuVmsa, model: "Renesas IPMMU-VMSA", iommuCells: [1], defaults: { contexts: 8, utlbs: 48, inputBits: 32 } };
}

export const IPMMU_VMSA: IommuDriverEntry = { driver: ipmmuVmsa, ofMatch: [], ofMatchPattern: ipmmuMatchPattern };
