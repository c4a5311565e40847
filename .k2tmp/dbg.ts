import { loadTree, runModel } from "../test/kernel/support/run.ts";
const { result, report } = runModel(loadTree("fixtures/kernel/smmuv3-pci.dts"), { kernel: "6.1", hwFile: "fixtures/kernel/smmuv3-pci.hw.json" });
const d = result.devices.find((x) => x.device.name === "20000000.far")!;
console.log(d.dmaRanges, d.dmaLimit, d.dmaOps, d.errors, report.events.filter(e=>e.device==="20000000.far"));
