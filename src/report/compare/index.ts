// compare: one board, several runs side by side.
export { compareReports, COMPARE_VERSION } from "./model.ts";
export type { BoardColumn, CompareAxis, CompareColumnInput, Comparison, DeviceComparison, InstanceColumn, InstanceComparison } from "./model.ts";
export { renderComparisonText } from "./text.ts";
