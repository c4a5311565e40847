// What a driver's probe reaches: the functions called from probe, followed through the module's
// own functions (static ones in their file first, then the module's other files), and the calls
// among them that create devices or change IOMMU/DMA configuration. Callbacks (work items,
// component ops) are not followed: only direct calls.
import type { FunctionFacts } from "./c-scan.ts";
import type { ProbeCall } from "./types.ts";

/** Calls that create struct devices (children a bus then probes). */
export const CREATE_CALLS = new Set([
  "of_platform_populate",
  "devm_of_platform_populate",
  "of_platform_default_populate",
  "of_platform_bus_probe",
  "of_platform_device_create",
  "of_platform_device_create_pdata",
  "platform_device_register",
  "platform_device_register_full",
  "platform_device_register_simple",
  "platform_device_register_data",
  "platform_device_register_resndata",
  "platform_device_register_ndata",
  "platform_device_add",
  "platform_add_devices",
  "mfd_add_devices",
  "devm_mfd_add_devices",
  "mfd_add_hotplug_devices",
  "amba_device_add",
  "amba_device_register",
  "auxiliary_device_add",
  "__auxiliary_device_add",
  "devm_auxiliary_device_create",
]);

/** Calls that configure DMA or attach/alter IOMMU domains for a device. */
export const IOMMU_CALLS = new Set([
  "of_dma_configure",
  "of_dma_configure_id",
  "dma_configure",
  "iommu_domain_alloc",
  "iommu_paging_domain_alloc",
  "iommu_paging_domain_alloc_flags",
  "iommu_attach_device",
  "iommu_detach_device",
  "iommu_attach_group",
  "iommu_detach_group",
  "iommu_device_claim_dma_owner",
  "iommu_group_claim_dma_owner",
  "iommu_get_domain_for_dev",
  "arm_iommu_create_mapping",
  "arm_iommu_attach_device",
  "arm_iommu_detach_device",
  "arm_iommu_release_mapping",
  "msm_iommu_new",
  "msm_iommu_gpu_new",
  "host1x_client_iommu_attach",
]);

/** Component framework calls: the driver is part of an aggregate device. */
export const COMPONENT_CALLS = new Set(["component_master_add_with_match", "component_add", "component_add_typed", "component_compare_of", "drm_of_component_probe"]);

/** How many calls deep from probe. */
export const PROBE_DEPTH = 6;

export interface ProbeReach {
  readonly creates: ProbeCall[];
  readonly iommuCalls: ProbeCall[];
  readonly component: ProbeCall[];
  /** MFD cell arrays passed to mfd_add_devices on the way. */
  readonly mfdCellArrays: { readonly file: string; readonly name: string }[];
}

export type FunctionResolver = (fromFile: string, name: string) => { file: string; fn: FunctionFacts } | undefined;

export function probeReach(file: string, probe: string, resolve: FunctionResolver): ProbeReach {
  const out: ProbeReach = { creates: [], iommuCalls: [], component: [], mfdCellArrays: [] };
  const start = resolve(file, probe);
  if (!start) return out;
  const seen = new Set<string>([`${start.file}:${probe}`]);
  let frontier = [start];
  for (let depth = 0; depth < PROBE_DEPTH && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const { file: f, fn } of frontier) {
      for (const c of fn.calls) {
        const rec = { call: c, in: fn.name };
        if (CREATE_CALLS.has(c)) out.creates.push(rec);
        else if (IOMMU_CALLS.has(c)) out.iommuCalls.push(rec);
        else if (COMPONENT_CALLS.has(c)) out.component.push(rec);
        const callee = resolve(f, c);
        if (callee && !seen.has(`${callee.file}:${c}`)) {
          seen.add(`${callee.file}:${c}`);
          next.push(callee);
        }
      }
      for (const s of fn.sites) {
        if (s.call.includes("mfd_add") && s.args[2] !== undefined) out.mfdCellArrays.push({ file: f, name: s.args[2] });
      }
    }
    frontier = next;
  }
  return out;
}
