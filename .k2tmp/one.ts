import { renderReportText } from "../src/report/index.ts";
import { loadTree, runModel } from "../test/kernel/support/run.ts";
const [file, kernel, policy] = process.argv.slice(2);
const { report } = runModel(loadTree(file!), { kernel, policy: policy as never });
process.stdout.write(renderReportText(report));
