import { renderReportText } from "../src/report/index.ts";
import { loadTree, runModel } from "../test/kernel/support/run.ts";
const [file, hw, kernel] = process.argv.slice(2);
const { report } = runModel(loadTree(file!), { kernel, hwFile: hw });
process.stdout.write(renderReportText(report));
