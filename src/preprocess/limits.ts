import { MAX_INPUT_BYTES } from "../source/limits.ts";
// Hard limits that keep hostile input from hanging the preprocessor or exhausting memory. Each one
// ends preprocessing with a "preprocess" error that names the limit; none of them is reached by
// real kernel device-tree sources (the largest boards need a few hundred KiB and a few thousand
// expansions).

/** `#include` nesting depth; gcc's default for `-fmax-include-depth`. */
export const MAX_INCLUDE_DEPTH = 200;

/**
 * Files entered over the whole run (a file that includes itself twice without a guard doubles at
 * every level, so the depth limit alone would allow 2^200 inclusions).
 */
export const MAX_INCLUDED_FILES = 50_000;

/** Bytes of one source file; larger files are rejected as unreadable input. */
export const MAX_FILE_BYTES = MAX_INPUT_BYTES;

/** Bytes of one logical line (after joining `\`-continued lines). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Bytes of preprocessed output. */
export const MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

/**
 * Nesting of macro invocations inside macro arguments (`F(F(F(...)))`): argument pre-expansion is
 * recursive, so this bounds the JavaScript stack use.
 */
export const MAX_EXPANSION_DEPTH = 200;

/**
 * Tokens produced by macro expansion over the whole run (the raw kernel boards need under 4,000).
 * Recursion cannot loop (a macro is disabled inside its own expansion) but definitions can grow
 * exponentially (`#define A B B`, `#define B C C`, ...); this stops such input.
 */
export const MAX_EXPANDED_TOKENS = 2_000_000;

/**
 * Tokens collected as macro arguments over the whole run. An invocation nested in another's
 * argument is collected again at each level of argument pre-expansion (gcc's expand_arg), so
 * `F(F(F(...)))` across 160,000 lines held 200 copies of its tail before MAX_EXPANSION_DEPTH
 * stopped it (2.4 GB); this bounds that work and memory. Kernel boards collect up to ~10,000
 * (a sample of u-boot's dts/upstream arm and arm64 boards).
 */
export const MAX_ARGUMENT_TOKENS = 1_000_000;
