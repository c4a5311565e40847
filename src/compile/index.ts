export { compile, compileTree } from "./pipeline.ts";
export type { CompileOutcome, CompiledTree } from "./pipeline.ts";
export { loadDeviceTree } from "./load.ts";
export type { LoadOptions } from "./load.ts";
export { defaultCompileOptions } from "./options.ts";
export type { CompileOptions, InputFormat, OutputFormat } from "./options.ts";
export { looksLikeDtb, readInput, treeFromInput } from "./read-input.ts";
