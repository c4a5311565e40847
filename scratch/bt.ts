import { loadTree, runModel } from "../test/kernel/support/run.ts";
const tree = loadTree("fixtures/kernel/family-arm-smmu.dts");
for (const b of ["", "iommu.passthrough=1", "iommu.passthrough=T", "iommu.strict=0"]) { const r = runModel(tree, { bootargs: b }).report; console.log(JSON.stringify(b), r.config.defaultDomainType, r.config.bootargs, r.events.filter(e => e.message.includes("Default domain")).map(e => e.message)); }
