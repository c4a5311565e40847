// Views of one report: the device table and the sysfs tree (with the groups' reserved regions).
export { renderTable, tableRows, TABLE_COLUMNS } from "./table.ts";
export type { TableColumn } from "./table.ts";
export { renderSysfsTree, sysfsGroups, writeSysfsTree } from "./sysfs.ts";
export type { SysfsGroup } from "./sysfs.ts";
export { formatRegion, groupReservedRegions, mergeRegions } from "./resv-regions.ts";
export type { ResvRegion, ResvType, TreeRegions } from "./resv-regions.ts";
export { treeRegionsOf } from "./tree-regions.ts";
export { alignRows } from "./align.ts";
