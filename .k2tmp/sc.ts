import { renderReportText } from "../src/report/index.ts";
import { loadTree, runModel } from "../test/kernel/support/run.ts";
const [file, scen, kernel, policy] = process.argv.slice(2);
const { report } = runModel(loadTree(file!), { kernel, policy: (policy ?? "per-group") as never, scenarioFile: scen });
process.stdout.write(renderReportText(report));
