// The msm display controllers whose probe makes the msm DRM device (msm_drv_probe; msm-drm.ts):
// DPU (disp/dpu1/dpu_kms.c, "msm_dpu"), MDP5 (disp/mdp5/mdp5_kms.c, "msm_mdp"), MDP4
// (disp/mdp4/mdp4_kms.c, "mdp4"). Their own probe changes nothing for the IOMMU; the composite's
// bind gives the GPU, the GMU and the display their msm domains.
import type { ClientDriver } from "../kernel.ts";
import { msmDrm } from "./msm-drm.ts";

const kms = (name: string, match: Pick<ClientDriver, "compatible" | "pattern" | "prefix">, mdp: "mdp" | "mdp4"): ClientDriver => ({
  name,
  bus: "platform",
  initcall: "device",
  reportAssumed: true,
  ...match,
  aggregate: msmDrm(name, mdp),
});

/** dpu_dt_match: qcom,<soc>-dpu (and, in 6.12, qcom,sdm630-mdp5 / qcom,sdm660-mdp5). */
export const MSM_DPU = kms("msm_dpu", { pattern: /^qcom,[a-z0-9]+-dpu$/, prefix: "qcom," }, "mdp");
/** mdp5_dt_match. */
export const MSM_MDP = kms("msm_mdp", { compatible: ["qcom,mdp5"] }, "mdp");
/** mdp4_dt_match. */
export const MDP4 = kms("mdp4", { compatible: ["qcom,mdp4"] }, "mdp4");
