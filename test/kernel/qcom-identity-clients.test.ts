// The Qualcomm identity-client list (qcom_smmu_client_of_match in arm-smmu-qcom.c) is gated by the
// mainline release that first listed each compatible (docs/kernel-model.md, "Qualcomm identity
// clients"). The boundaries checked here are the ones with dated evidence: a wrong first version
// for any of them makes a case fail.
import { describe, expect, it } from "vitest";
import { QCOM_IDENTITY_CLIENTS, qcomIdentityClient } from "../../src/iommu/drivers/arm-smmu.ts";

const v = (s: string): readonly [number, number] => {
  const [a, b] = s.split(".").map(Number);
  return [a!, b!];
};

describe("Qualcomm identity clients, gated by kernel version", () => {
  // [compatible, last release without it, first release with it]
  const boundaries: [string, string, string][] = [
    ["qcom,sm8150-mdss", "6.2", "6.3"], // patch v2 posted 2022-12-12, in iommu-updates-v6.3
    ["qcom,sdm670-mdss", "6.6", "6.7"], // "Arm SMMU updates for 6.7": SDM670 (MDSS)
    ["qcom,adreno-gmu", "6.7", "6.8"], // "Add missing GMU entry to match table", 2023-12-07
    ["qcom,sm6115-mdss", "6.16", "6.17"], // f7fa8520f303, posted 2025-06-13
  ];
  for (const [compatible, before, since] of boundaries) {
    it(`${compatible}: DMA on ${before}, identity from ${since}`, () => {
      expect(qcomIdentityClient([compatible], v(before))).toBe(false);
      expect(qcomIdentityClient([compatible], v(since))).toBe(true);
      expect(qcomIdentityClient([compatible], v("6.18"))).toBe(true);
    });
  }

  it("the first entries (sdm845 display and modem, Adreno) are identity on 6.1", () => {
    for (const c of ["qcom,sdm845-mdss", "qcom,sdm845-mss-pil", "qcom,adreno", "qcom,mdss"]) expect(qcomIdentityClient([c], v("6.1"))).toBe(true);
    expect(qcomIdentityClient(["qcom,sdm845-mdss"], v("5.4"))).toBe(false);
  });

  it("any compatible of the device may match; unknown and never-upstream entries never do", () => {
    expect(qcomIdentityClient(["vendor,other", "qcom,sdm845-mdss"], v("6.1"))).toBe(true);
    expect(qcomIdentityClient(["qcom,sdm630-mdss"], v("6.18"))).toBe(false);
    expect(qcomIdentityClient(["qcom,sm8450-mdss"], v("6.18"))).toBe(false);
  });

  it("every entry has a plausible first release (5.10 or later, not in the future)", () => {
    for (const [c, [major, minor]] of QCOM_IDENTITY_CLIENTS) {
      expect(major * 100 + minor, c).toBeGreaterThanOrEqual(510);
      expect(major * 100 + minor, c).toBeLessThanOrEqual(618);
    }
  });
});
