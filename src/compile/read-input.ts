// Reads the input (a file, standard input, or a /proc/device-tree style directory) and turns it
// into a live tree: DTS through the optional preprocessor, the parser and the tree builder, a DTB
// through the hardened reader, a directory through the fs reader.
import { parseAndBuildTree } from "../tree/index.ts";
import { preprocess } from "../preprocess/index.ts";
import { readDtb, readFsTree } from "../fdt/index.ts";
import {
  inputTooLargeMessage,
  MAX_INPUT_BYTES,
  nodeFileHost,
  openIncludeFile,
  readStandardInput,
  SourceFile,
  type DiagnosticSink,
  type FileHost,
  type FileRead,
} from "../source/index.ts";
import type { DeviceTree } from "../tree/model.ts";
import type { CompileOptions, InputFormat } from "./options.ts";

const FDT_MAGIC = 0xd00dfeed;

export function looksLikeDtb(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 === FDT_MAGIC;
}

/** The name dtc prints for standard input. */
export const STDIN_NAME = "<stdin>";

export interface InputSource {
  /** Name used in messages: the path the file was found at (dtc searches -i for it too). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * Reads `path` (`-` is standard input) with the input limit: a file is refused by its size before
 * it is read, a device or pipe while it is read. Like dtc (srcfile_relative_open), a relative
 * path that is not found is looked for in the `-i` directories. Undefined (with an error naming
 * the file in `sink`) when it cannot be read.
 */
export function readInput(path: string, host: FileHost, sink: DiagnosticSink, includeDirs: readonly string[] = []): InputSource | undefined {
  let name = path === "-" ? STDIN_NAME : path;
  let read: FileRead;
  if (path === "-") read = readStandardInput({ limit: MAX_INPUT_BYTES, allowPipes: true });
  else {
    const found = openIncludeFile(path, undefined, includeDirs, host, { limit: MAX_INPUT_BYTES, allowPipes: true });
    if (found.ok) {
      name = found.path;
      read = { ok: true, bytes: found.bytes };
    } else read = { ok: false, problem: found.problem };
  }
  if (read.ok) return { name, bytes: read.bytes };
  const { problem } = read;
  if (problem.kind === "too-large") sink.fileError("limit", name, inputTooLargeMessage(name, problem.size));
  else sink.fileError("io", name, `Couldn't open "${path}": ${problem.message}`);
  return undefined;
}

/**
 * dtc's guess_input_format for bytes read from `name`: the FDT magic means a blob; otherwise the
 * file name decides (`.dtb`/`.dtbo` a blob, `.yaml` YAML, which dtc cannot read), else source.
 */
export function guessInputFormat(name: string, bytes: Uint8Array): InputFormat | "yaml" {
  if (looksLikeDtb(bytes)) return "dtb";
  if (name === STDIN_NAME) return "dts";
  const dot = name.lastIndexOf(".");
  const suffix = dot < 0 ? "" : name.slice(dot).toLowerCase();
  if (suffix === ".dtb" || suffix === ".dtbo") return "dtb";
  if (suffix === ".yaml") return "yaml";
  return "dts";
}

export interface TreeFromInput {
  readonly tree: DeviceTree;
  readonly format: InputFormat;
  /** For -T: the input's name, or the file of its first cpp line marker (dtc's initial path). */
  readonly initialPath?: string;
}

/**
 * Reads `path` in the given format (or the one dtc would guess: a directory is `fs`) and builds
 * its live tree (before checks). Undefined when it cannot be read or parsed.
 */
export function loadInput(path: string, options: CompileOptions, sink: DiagnosticSink): TreeFromInput | undefined {
  const host = options.host ?? nodeFileHost;
  if (options.inputFormat === "fs" || (options.inputFormat === undefined && path !== "-" && host.isDirectory?.(path))) {
    const tree = readFsTree(path, sink);
    return tree && { tree, format: "fs" };
  }
  const input = readInput(path, host, sink, options.includeDirs);
  if (!input) return undefined;
  return treeFromInput(input, options, sink);
}

/** Source text or blob bytes → live tree (before checks). */
export function treeFromInput(input: InputSource, options: CompileOptions, sink: DiagnosticSink): TreeFromInput | undefined {
  const host = options.host ?? nodeFileHost;
  const guessed = options.inputFormat ?? guessInputFormat(input.name, input.bytes);
  if (guessed === "yaml" || guessed === "fs") {
    sink.fileError("options", input.name, guessed === "yaml" ? `Unknown input format "yaml"` : `"${input.name}" is not a directory (-I fs)`);
    return undefined;
  }
  const format = guessed;
  const text = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString("latin1");
  if (format === "dtb") {
    const tree = readDtb(input.bytes, SourceFile.binary(input.name, text), sink);
    return tree && { tree, format };
  }
  let file = new SourceFile(input.name, text);
  if (options.cpp) {
    const pre = preprocess(file, { host, includeDirs: options.includeDirs, defines: options.defines, undefines: options.undefines, includeMemo: options.includeMemo }, sink);
    if (!pre) return undefined;
    file = pre;
  }
  // Built while parsing (no retained AST): the same tree and diagnostics as parseDts + buildTree.
  const tree = parseAndBuildTree(file, { host, includeDirs: options.includeDirs }, sink);
  return tree && { tree, format, initialPath: file.firstLineMarkerFile ?? input.name };
}
