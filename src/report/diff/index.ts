// diff: two boards (before and after a DT patch), device by device.
export { diffReports, DIFF_VERSION } from "./model.ts";
export type { BoardDiff, DeviceChange, InstanceChange, ValueChange } from "./model.ts";
export { renderDiffText } from "./text.ts";
