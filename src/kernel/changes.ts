// Every kernel change the model switches on, in one table: the release that first has it, the
// commit (where established), and what changes in the model. features.ts resolves the table
// once per run into named flags (`has.busOpsRetired`); nothing else in the model compares
// versions against a release number, except per-entry data tables keyed by version (the
// Qualcomm identity clients, the MediaTek IOVA regions), which use version.ts's atLeast.
// docs/kernel-model.md shows this table (test/kernel/kernel-changes.test.ts keeps them equal).
import type { KernelVersion } from "./version.ts";

export interface KernelChange {
  /** The flag the model tests (`has.<flag>`): true from `since` on. */
  readonly flag: string;
  /** First mainline release with the change. */
  readonly since: KernelVersion;
  /** 12-digit commit id, or "" when it is not established from the stored sources. */
  readonly commit: string;
  /** The commit's subject (or the change's description when the commit is not known). */
  readonly title: string;
  /** What changes in the model. */
  readonly what: string;
  /** The release is bounded by the stored sources but not established (even where the commit is). */
  readonly approximate?: true;
  /**
   * Older stable series that carry a backport of the commit, each established from a stable
   * tree's sources (Debian's 6.1.y and 6.12.y) or from the series' stable review: the flag is set
   * for these series too, since a major.minor stands for its series as maintained (version.ts).
   */
  readonly stable?: readonly KernelVersion[];
}

export const KERNEL_CHANGES = [
  {
    flag: "attachDeviceNeedsSingletonGroup",
    since: [4, 4],
    commit: "426a273834ea",
    title: "iommu: Limit iommu_attach/detach_device to devices with their own group",
    what: "iommu_attach_device (arm32 per-device mappings) refuses a group with more than one device: -EINVAL (the commit dates from May 2015; its release is not established from the stored sources, 4.4 at the latest)",
    approximate: true,
  },
  {
    flag: "dmaConfigureAtProbe",
    since: [4, 12],
    commit: "d7b0558230e4",
    title: "iommu/of: Prepare for deferred IOMMU configuration",
    what: "the bind era: of_dma_configure runs in really_probe (dma_configure), a missing IOMMU driver defers the bind; before it, at device creation with IOMMUs declared early (IOMMU_OF_DECLARE)",
  },
  {
    flag: "host1xReleasesMappingInProbe",
    since: [4, 19],
    commit: "",
    title: "gpu: host1x: release the implicit arm_iommu mapping in host1x_probe",
    what: "host1x_probe detaches and releases its arm_iommu mapping (the first version is not in the stored sources)",
    approximate: true,
  },
  {
    flag: "groupAddDevPrintk",
    since: [5, 1],
    commit: "780da9e4f5bf",
    title: "iommu: Use dev_printk() when possible",
    what: "\"Adding to iommu group N\" is a dev_info; before, pr_info \"iommu: Adding device X to group N\"",
  },
  {
    flag: "tegraVdeIommu",
    since: [5, 3],
    commit: "b301f8de1925",
    title: "media: staging: media: tegra-vde: Add IOMMU support",
    what: "tegra-vde releases its arm_iommu mapping and attaches its group to a domain of its own at probe",
  },
  {
    flag: "tegraDrmSmmuGroup",
    since: [5, 5],
    commit: "63a613fdb16c",
    title: "memory: tegra: Add gr2d and gr3d to DRM IOMMU group",
    what: "Tegra30/114 SoC group \"drm\" (DC, DCB, G2, NV, NV2 / DC, DCB, G2, NV); before, \"display\" (DC, DCB) (in the memory tree's for-5.5 pull)",
  },
  {
    flag: "host1xDmaMapping",
    since: [5, 5],
    commit: "af1cbfb9bf0f",
    title: "gpu: host1x: Support DMA mapping of buffers",
    what: "host1x sets up a domain of its own in host1x_iommu_attach (host1x_wants_iommu); its arm_iommu release leaves host1x_probe",
  },
  {
    flag: "groupTypeSysfsWritable",
    since: [5, 11],
    commit: "08a27c1c3ecf",
    title: "iommu: Add support to change default domain of an iommu group",
    what: "/sys/kernel/iommu_groups/N/type is writable (scenario sysfs-type; -EACCES before)",
  },
  {
    flag: "armSmmuV3StreamTree",
    since: [5, 13],
    commit: "cdf315f907d4",
    title: "iommu/arm-smmu-v3: Maintain a SID->device structure",
    what: "arm_smmu_insert_master keeps every StreamID in a tree: a StreamID already held (by another master, or twice by the same one until armSmmuV3DuplicateSids) fails the device, -EINVAL \"stream N already in tree\"; before, StreamIDs were not checked against each other",
  },
  {
    flag: "groupTypeDmaFq",
    since: [5, 15],
    commit: "452e69b58c28",
    title: "iommu: Allow enabling non-strict mode dynamically",
    what: "\"DMA-FQ\" is accepted by the group's type file",
  },
  {
    flag: "vfioGroupFindOrAlloc",
    since: [5, 16],
    commit: "1362591f1523",
    title: "vfio: factor out a vfio_group_find_or_alloc helper",
    what: "the function a VFIO bus driver without an IOMMU group fails in is vfio_group_find_or_alloc; before, vfio_iommu_group_get (vfio's v5.16 branch; dated 6.0 before)",
  },
  {
    flag: "host1xDetachBack",
    since: [5, 17],
    commit: "d5185965c3b5",
    title: "gpu: host1x: Add back arm_iommu_detach_device()",
    what: "host1x_iommu_attach releases the arm_iommu mapping again (5.5-5.16 keep it)",
  },
  {
    flag: "dmaOwnership",
    since: [5, 19],
    commit: "1ea2a07a532b",
    title: "iommu: Add DMA ownership management interfaces",
    what: "iommu_device_use_default_domain at dma_configure (owner_cnt, -EBUSY), driver_managed_dma, iommu_group_claim_dma_owner (scenario VFIO steps)",
  },
  {
    flag: "kstrtoboolTrueFalse",
    since: [5, 19],
    commit: "0d6ea3ac94ca",
    title: "lib/kstrtox.c: add \"false\"/\"true\" support to kstrtobool()",
    what: "boolean command-line values (iommu.passthrough, iommu.strict, module bool parameters) read t/T and f/F too; before, \"true\" and \"false\" were -EINVAL",
  },
  {
    flag: "pcieportDriverManagedDma",
    since: [5, 19],
    commit: "c7d469849747",
    title: "PCI: portdrv: Set driver_managed_dma",
    what: "pcieport never holds owner_cnt",
  },
  {
    flag: "armSmmuLegacyIdentity",
    since: [5, 19],
    commit: "628bf55b6204",
    title: "iommu/arm-smmu: Force identity domains for legacy binding",
    what: "masters of an arm-smmu using the legacy mmu-masters binding get IDENTITY default domains (Arm SMMU updates for 5.19)",
  },
  {
    flag: "mtkIovaRegionIdName",
    since: [5, 19],
    commit: "d72e0ff5424e",
    title: "iommu/mediatek: Change the domid to iova_region_id",
    what: "the region lookup that fails is named mtk_iommu_get_iova_region_id (before: mtk_iommu_get_domain_id) (IOMMU updates for v5.19)",
  },
  {
    flag: "pciDomainIda",
    since: [6, 2],
    commit: "c14f7ccc9f5d",
    title: "PCI: Assign PCI domain IDs by ida_alloc()",
    what: "of_pci_bus_find_domain_nr: a host bridge's linux,pci-domain is taken from a static IDA (a number taken twice fails, -ENOSPC) and the others get the lowest number free in a dynamic IDA that holds every number a device_type \"pci\" node claims; a removed bridge gives its number back. Before, a counter (0, 1, ...) for bridges without the property, and the first bridge decides: mixing the two is \"inconsistent\" and gives domain -1. Backported to 6.1.y (Debian's 6.1 has the IDAs in drivers/pci/pci.c); 5.10.y and 5.15.y stable are said to carry it too, not established from stored sources",
    stable: [[6, 1]],
  },
  {
    flag: "ofIommuResvRegions",
    since: [6, 3],
    commit: "a5bf3cfce8cb",
    title: "iommu: Implement of_iommu_get_resv_regions()",
    what: "reserved regions from memory-region + iommu-addresses (IOMMU_RESV_DIRECT: 1:1 mappings, require_direct)",
  },
  {
    flag: "mtkLarbPortRegion",
    since: [6, 4],
    commit: "b2a6876d215b",
    title: "iommu/mediatek: Get regionid from larb/port id",
    what: "a MediaTek multimedia master's IOVA region comes from the per-SoC larb/port table, not from its dma-ranges",
  },
  {
    flag: "mtkIovaRegionGap",
    since: [6, 4],
    commit: "3df9bdd4ae8e",
    title: "iommu/mediatek: Add a gap for the iova regions",
    what: "each 4 GiB MediaTek IOVA region ends 8 MiB short",
  },
  {
    flag: "pciSacPerDevice",
    since: [6, 4],
    commit: "791c2b17fb40",
    title: "iommu: Optimise PCI SAC address trick",
    what: "iommu-dma tries a PCI device's mappings below 4 GiB only until such a try first fails (dev->iommu->pci_32bit_workaround; notice \"Using N-bit DMA addresses\"); before, every PCI mapping above 32 bits tries below 4 GiB first (unless iommu.forcedac=1)",
    approximate: true,
  },
  {
    flag: "deferredFlushCap",
    since: [6, 5],
    commit: "4a20ce0ff68e",
    title: "iommu: Add a capability for flush queue support",
    what: "a DMA-FQ default domain becomes DMA without a warning when the driver lacks IOMMU_CAP_DEFERRED_FLUSH",
  },
  {
    flag: "groupTypeLiveSwitch",
    since: [6, 5],
    commit: "",
    title: "iommu: iommu_group_store_type() reworked onto the group's default-domain setup",
    what: "sysfs type: DMA -> DMA-FQ switches live; other changes need owner_cnt 0 (-EPERM); before, iommu_change_dev_def_domain (one unbound device) (IOMMU updates for v6.5, the default_domain consolidation series with d99be00f42ea and 5957c19305b1; which of its commits made the switch is not established)",
  },
  {
    flag: "appleDartBlockedDomain",
    since: [6, 7],
    commit: "17ef8d6876e0",
    title: "iommu/dart: Move the blocked domain support to a global static",
    what: "apple-dart has a static blocked domain (DMA ownership takes no UNMANAGED domain) (IOMMU updates for v6.7; dated 6.6 before)",
  },
  {
    flag: "iovaDepotList",
    since: [6, 7],
    commit: "911aa1245da8",
    title: "iommu/iova: Make the rcache depot scale better",
    what: "the IOVA range caches' depot is a list a delayed work trims (one magazine per run while it holds more than one per CPU); before, at most 32 full magazines, a 33rd emptied back into the tree at once",
  },
  {
    flag: "defaultDomainMandatory",
    since: [6, 7],
    commit: "98ac73f99bc4",
    title: "iommu: Require a default_domain for all iommu drivers",
    what: "a group whose default domain cannot be allocated unwinds its devices (-ENODEV); before, it had none",
  },
  {
    flag: "armIdentityDefault",
    since: [6, 7],
    commit: "e98befd010bd",
    title: "iommu: Allow an IDENTITY domain as the default_domain in ARM32",
    what: "arm32 groups get an IDENTITY default domain; the arm_iommu mapping is still set up per device at bind",
  },
  {
    flag: "driverIdentityDomains",
    since: [6, 7],
    commit: "",
    title: "iommu: Make default_domain's mandatory (series: IDENTITY domains for the drivers that had none)",
    what: "IDENTITY domains for exynos, qcom_iommu, ipmmu-vmsa, mtk_iommu, sun50i, rockchip, tegra-smmu; tegra-smmu also DMA domains and def_domain_type IDENTITY (one commit per driver in IOMMU updates for v6.7)",
  },
  {
    flag: "zeroSizeResvRejected",
    since: [6, 8],
    commit: "bb57f6705960",
    title: "iommu: Don't reserve 0-length IOVA region",
    what: "\"Cannot reserve IOVA region of 0 size\": the entry is skipped (IOMMU updates for v6.8; backported to 6.6.y and 6.7.y by their stable reviews; dated 6.7 before)",
    stable: [[6, 6], [6, 7]],
  },
  {
    flag: "busOpsRetired",
    since: [6, 8],
    commit: "17de3f5fdd35",
    title: "iommu: Retire bus ops",
    what: "tegra-smmu probes devices at bind like the others; before, at BUS_NOTIFY_ADD_DEVICE and when the MC registers",
  },
  {
    flag: "armSmmuBlockedDomain",
    since: [6, 8],
    commit: "bbbf11eea38c",
    title: "iommu/arm-smmu: Implement IOMMU_DOMAIN_BLOCKED",
    what: "arm-smmu's blocking domain takes no context bank (IOMMU updates for v6.8)",
  },
  {
    flag: "deferredPendingReason",
    since: [6, 8],
    commit: "7c41da586e9f",
    title: "driver core: Emit reason for pending deferred probe",
    what: "deferred_probe_timeout_work_func prints \"deferred probe pending: <reason>\" (the reason dev_err_probe last recorded, else \"(reason unknown)\"); before, \"deferred probe pending\"",
  },
  {
    flag: "probeFailureDevErr",
    since: [6, 9],
    commit: "32de4b4f9dfa",
    title: "driver: core: Log probe failure as error and with device metadata",
    what: "call_driver_probe logs a failed probe as dev_err \"probe with driver <drv> failed with error N\"; before, pr_warn \"<drv>: probe of <dev> failed with error N\"",
  },
  {
    flag: "deferredPendingWarn",
    since: [6, 9],
    commit: "6aeb8850e0f3",
    title: "device: core: Log warning for devices pending deferred probe on timeout",
    what: "that line is a dev_warn; before, a dev_info",
  },
  {
    flag: "armSmmuV3BlockedDomain",
    since: [6, 9],
    commit: "352bd64cd828",
    title: "iommu/arm-smmu-v3: Add a global static BLOCKED domain",
    what: "SMMUv3's blocking domain takes no ASID (Arm SMMU updates for 6.9)",
  },
  {
    flag: "armSmmuV3AsidAtAlloc",
    since: [6, 9],
    commit: "327e10b47ae9",
    title: "iommu/arm-smmu-v3: Convert to domain_alloc_paging()",
    what: "SMMUv3 ASIDs are taken when a paging domain is allocated; before, at its first attach (Arm SMMU updates for 6.9)",
  },
  {
    flag: "archSetupDmaOpsSimplified",
    since: [6, 10],
    commit: "f091e93306e0",
    title: "dma-mapping: Simplify arch_setup_dma_ops()",
    what: "iommu_dma_init_domain reads the device's dma_range_map itself (start pfn from the aperture, -EFAULT when the range map lies outside it) and arm_setup_iommu_dma_ops sizes the arm32 mapping from dma_range_map_min/max; before, both took of_dma_configure's (dma_start, size)",
    approximate: true,
  },
  {
    flag: "coreSetsUpDmaOps",
    since: [6, 10],
    commit: "b67483b3c44e",
    title: "iommu/dma: Centralise iommu_setup_dma_ops()",
    what: "the IOMMU core calls iommu_setup_dma_ops for each device of a group it attaches, and a group without a domain gets no \"Failed to set up IOMMU for device X; retaining platform DMA ops\"; before, arch_setup_dma_ops called it and warned (the series of f091e93306e0; Debian's 6.1 warns, its 6.12 does not; dated 6.15 before)",
    approximate: true,
  },
  {
    flag: "ath10kPagingDomainAlloc",
    since: [6, 11],
    commit: "d5b7485588df",
    title: "wifi: ath10k: Use iommu_paging_domain_alloc()",
    what: "ath10k_fw_init allocates the firmware device's domain with iommu_paging_domain_alloc(fw dev) (-ENODEV without an IOMMU); before, iommu_domain_alloc(&platform_bus_type) (applied to the iommu tree in June 2024, bounded by 6.1 and 6.12's sources)",
    approximate: true,
  },
  {
    flag: "msmIommuNewChecksMapped",
    since: [6, 11],
    commit: "45acf35af200",
    title: "drm/msm: Use iommu_paging_domain_alloc()",
    what: "msm_iommu_new returns NULL for a device that is not device_iommu_mapped and allocates iommu_paging_domain_alloc(dev) itself; before, its callers allocated on the platform bus (applied to the iommu tree in June 2024, bounded by 6.1 and 6.12's sources)",
    approximate: true,
  },
  {
    flag: "venusPagingDomainAlloc",
    since: [6, 12],
    commit: "7ce555252c71",
    title: "media: venus: firmware: Use iommu_paging_domain_alloc()",
    what: "venus_firmware_init allocates the firmware device's domain with iommu_paging_domain_alloc(fw dev) (-ENODEV without an IOMMU); before, iommu_domain_alloc(&platform_bus_type) (Venus updates for v6.12)",
  },
  {
    flag: "tegraDrmPagingDomainOnHost",
    since: [6, 12],
    commit: "45c690aea8ee",
    title: "drm/tegra: Use iommu_paging_domain_alloc()",
    what: "host1x_drm_probe allocates the shared domain on host1x's own IOMMU (before: any IOMMU on the platform bus); Debian's 6.12.118 has it (it was dated 6.13 before)",
  },
  {
    flag: "host1xIdentityIsNoDomain",
    since: [6, 14],
    commit: "cb83f4b965a6",
    title: "gpu: host1x: Do not assume that a NULL domain means no DMA IOMMU",
    what: "host1x treats an IDENTITY domain as none and sets up its own (a fix merged for 6.14 through drm-misc-fixes; backported to 6.12.y: Debian's 6.12.118 has it, its 6.1.192 does not)",
    stable: [[6, 12]],
  },
  {
    flag: "iommuProbeAtAdd",
    since: [6, 15],
    commit: "bcb81ac6ae3c",
    title: "iommu: Get DT/ACPI parsing into the proper probe path",
    what: "the add era: iommu_probe_device at BUS_NOTIFY_ADD_DEVICE and in bus_iommu_probe builds the fwspec; groups in add order",
  },
  {
    flag: "iommuReadyFlag",
    since: [6, 15],
    commit: "da33e87bd2bf",
    title: "iommu: Handle yet another race around registration",
    what: "iommu_fwspec_init defers a device without dev->iommu while its instance is registered but not ready",
  },
  {
    flag: "useDefaultDomainDefers",
    since: [6, 15],
    commit: "b46064a18810",
    title: "iommu: Handle race with default domain setup",
    what: "iommu_device_use_default_domain returns -EPROBE_DEFER while the group has no default domain (backported to 6.12.y: Debian's 6.12.118 has it, its 6.1.192 does not)",
    stable: [[6, 12]],
  },
  {
    flag: "armSmmuV3DuplicateSids",
    since: [6, 15],
    commit: "b00d24997a11",
    title: "iommu/arm-smmu-v3: Fix iommu_device_probe bug due to duplicated stream ids",
    what: "arm_smmu_insert_master skips a StreamID the master itself already holds (a bridged PCI master's DMA alias) and names the other master in \"stream N already in tree from dev X\" (backported to 6.1.y and 6.12.y: Debian's 6.1.192 and 6.12.118 have it)",
    stable: [[6, 1], [6, 12]],
  },
] as const satisfies readonly KernelChange[];

/** The name of a kernel change, as the model tests it. */
export type FeatureFlag = (typeof KERNEL_CHANGES)[number]["flag"];
