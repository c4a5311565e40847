// 6.15+ (the add era): how often a master that its IOMMU driver refuses is probed, and what the
// kernel prints. In bus_iommu_probe's walk the refusal ends the walk and fails the IOMMU's
// registration (kernel-change-boundaries.test.ts, smmuv3-duplicate-sids). A master added after the
// IOMMU registered is refused at BUS_NOTIFY_ADD_DEVICE (iommu_probe_device), which frees
// dev->iommu; at its bind of_iommu_configure builds the fwspec again and replays
// iommu_probe_device, which is refused again: arm_smmu_insert_master runs twice and warns twice.
// The "late IOMMU probe at driver bind" WARN comes only after iommu_init_device succeeded.
import { describe, expect, it } from "vitest";
import { fvpSmmuV3Board, runBoardSource } from "./support/fvp-board.ts";

// host1x populates its engines when it binds, after the SMMU registered; the VIC claims host1x's StreamID.
const DTS = fvpSmmuV3Board(`	host1x@13e00000 {
		compatible = "nvidia,tegra186-host1x";
		reg = <0 0x13e00000 0 0x10000>;
		iommus = <&smmu 0x10>;
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		vic@15340000 {
			compatible = "nvidia,tegra186-vic";
			reg = <0 0x15340000 0 0x40000>;
			iommus = <&smmu 0x10>;
		};
	};
`);

const run = (kernel: string) => runBoardSource(DTS, "late-master.dts", kernel);

describe("a master added after its SMMU registered, refused by arm_smmu_insert_master", () => {
  it("6.15: refused at device add and again at the bind's replay; the SMMU stays registered; no late-probe WARN", () => {
    const r = run("6.15");
    expect(r.iommus[0]!.state).toBe("registered");
    const lines = r.events.filter((e) => e.device === "15340000.vic" && e.kind === "log").map((e) => [e.prefix, e.message]);
    expect(lines).toEqual([
      ["platform", "stream 16 already in tree from dev 13e00000.host1x"],
      ["(assumed driver)", "stream 16 already in tree from dev 13e00000.host1x"],
    ]);
    const vic = r.devices.find((d) => d.name === "15340000.vic")!;
    // Two calls that fail, one at each stage: the kernel reports both.
    expect(vic.errors.map((e) => e.where)).toEqual(["arm_smmu_insert_master", "arm_smmu_insert_master"]);
    expect([vic.state, vic.group, vic.dmaOps]).toEqual(["bound", null, "direct"]);
  });
});
