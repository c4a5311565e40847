// `dtprobe report --format table|sysfs [--sort COLUMN]`: the views of one report
// (src/report/views). The table goes to -o FILE or standard output; the sysfs view is printed as
// a tree, or with -o DIR written as the files /sys/kernel/iommu_groups would hold.
import type { BoardRun } from "../report/index.ts";
import { renderSysfsTree, renderTable, sysfsGroups, TABLE_COLUMNS, treeRegionsOf, writeSysfsTree, type TableColumn } from "../report/views/index.ts";
import { UsageError, type OptionSpec } from "./args.ts";
import { OutputError, writeOutput } from "./write-output.ts";

export const VIEW_FORMATS: readonly string[] = ["table", "sysfs"];

export const sortSpec: OptionSpec = { long: "sort", key: "sort", takesValue: true, valueName: "COLUMN", help: `--format table: sort rows by ${TABLE_COLUMNS.join(", ")}` };

export function parseSort(values: readonly string[], format: string): TableColumn | undefined {
  const text = values.at(-1);
  if (text === undefined) return undefined;
  if (format !== "table") throw new UsageError("--sort applies to --format table");
  const column = text.toLowerCase();
  if (!(TABLE_COLUMNS as readonly string[]).includes(column)) throw new UsageError(`invalid --sort '${text}' (${TABLE_COLUMNS.join(", ")})`);
  return column as TableColumn;
}

/**
 * Writes the view. Throws OutputError (naming the file or directory) when it cannot be written,
 * as writeOutput does.
 */
export async function writeView(format: string, run: BoardRun, outPath: string, sort: TableColumn | undefined): Promise<void> {
  if (format === "table") return writeOutput(outPath, [renderTable(run.report, sort)]);
  const groups = sysfsGroups(run.report, treeRegionsOf(run));
  if (outPath === "-") return writeOutput("-", [renderSysfsTree(groups)]);
  try {
    writeSysfsTree(groups, outPath);
  } catch (e) {
    throw new OutputError(`couldn't write ${outPath}: ${(e as Error).message}`);
  }
}
