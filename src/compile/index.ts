export { compile, compileTree, defaultOutputFormat } from "./pipeline.ts";
export { MAX_TEXT_OUTPUT_BYTES } from "./output.ts";
export type { CompileOutcome, CompiledTree } from "./pipeline.ts";
export { loadDeviceTree } from "./load.ts";
export type { LoadOptions } from "./load.ts";
export { defaultCompileOptions } from "./options.ts";
export type { CompileOptions, InputFormat, OutputFormat } from "./options.ts";
export { guessInputFormat, loadInput, looksLikeDtb, readInput, STDIN_NAME, treeFromInput } from "./read-input.ts";
