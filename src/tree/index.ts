// The live tree: building it from the AST exactly as dtc does, the reference-resolution passes
// dtc runs as checks, the nodes dtc generates after the checks, and lookups.
export { buildTree } from "./build.ts";
export { parseAndBuildTree } from "./stream-build.ts";
export type { BuildOptions } from "./build.ts";
export { checkExplicitPhandles, fixupPhandleReferences, getNodePhandle } from "./phandles.ts";
export { fixupPathReferences } from "./path-references.ts";
export { omitUnusedNodes } from "./omit.ts";
export { generateAliasesFromLabels, generateSymbols } from "./label-tree.ts";
export { generateFixups } from "./fixups.ts";
export { sortTree } from "./sort.ts";
export { guessBootCpuId } from "./boot-cpu.ts";
export { findNodeByRef, findNodeByPath, findNodeByLabel, findNodeByPhandle, invalidateTreeIndex } from "./find.ts";
export { DeviceTree, DtNode, DtProperty, PropertyValue, HAS_LABEL, HAS_PATH_REF, HAS_PHANDLE_REF } from "./model.ts";
export type { Marker, ValueType, RefText, MemReserveEntry, GhostChild, TreeProblemReporter, PhandleFormat } from "./model.ts";
