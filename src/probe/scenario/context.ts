// What a running scenario keeps besides the kernel: devices by name (a hot-added PCI function takes
// its name over from a removed one), the groups VFIO holds and its containers' domains, the
// in-kernel users' named domains, and the modules the scenario declared.
import type { Device } from "../../graph/index.ts";
import { fail, liveGroups, ok, type IommuDomain, type IommuGroup, type IommuInstance, type Result } from "../../iommu/index.ts";
import { stateFor, type DevState, type Kernel } from "../kernel.ts";

export interface VfioGroup {
  readonly container: string;
  domain: IommuDomain | null;
}

export class ScenarioContext {
  private readonly byName = new Map<string, Device>();
  private readonly byPath = new Map<string, Device>();
  /** Groups VFIO holds (VFIO_GROUP_SET_CONTAINER done), with the type1 domain they use. */
  readonly vfio = new Map<IommuGroup, VfioGroup>();
  /** type1: the domains of each container, in creation order. */
  readonly containers = new Map<string, IommuDomain[]>();
  /** In-kernel users' domains by the name the scenario gives them. */
  readonly named = new Map<string, IommuDomain>();

  constructor(
    readonly k: Kernel,
    /** The drivers the scenario builds as modules (its `modules`). */
    readonly modules: readonly string[],
  ) {
    for (const d of k.graph.devices) this.learn(d);
  }

  /** A device the scenario may name from now on (pci-add). */
  learn(d: Device): void {
    this.byName.set(d.name, d);
    if (d.path !== null) this.byPath.set(d.path, d);
  }

  lookup(key: string): Device | undefined {
    return key.startsWith("/") ? this.byPath.get(key) : this.byName.get(key);
  }

  device(key: string): Result<DevState> {
    const dev = this.lookup(key);
    if (!dev) return fail("-ENODEV", "scenario", `no device named ${JSON.stringify(key)}`);
    return ok(stateFor(this.k, dev));
  }

  /** The group a step names: by number (its sysfs directory) or through a member device. */
  group(step: { readonly device?: string; readonly group?: number }): Result<IommuGroup> {
    if (step.group !== undefined) {
      const g = liveGroups(this.k.iommu).find((x) => x.id === step.group);
      return g ? ok(g) : fail("-ENOENT", "iommu_groups", `/sys/kernel/iommu_groups/${step.group} does not exist`);
    }
    const s = this.device(step.device!);
    if (!s.ok) return s;
    const g = s.value.out.group;
    return g ? ok(g) : fail("-ENODEV", "iommu_group_get", `${s.value.dev.name} is not in an IOMMU group`);
  }

  /** An IOMMU instance by DT path or by its device's dev_name. */
  instance(key: string): IommuInstance | undefined {
    return this.k.iommu.instances.find((i) => i.path === key || i.device?.name === key);
  }

  /** The name the scenario gave a domain (attach-domain), if any. */
  nameOf(d: IommuDomain): string | undefined {
    for (const [name, x] of this.named) if (x === d) return name;
    return undefined;
  }
}
