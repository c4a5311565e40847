import { readFileSync } from "node:fs";
// Reads the input (a file or standard input) and turns it into a live tree: DTS through the
// optional preprocessor, the parser and the tree builder, or a DTB through the hardened reader.
import { parseAndBuildTree } from "../tree/index.ts";
import { preprocess } from "../preprocess/index.ts";
import { readDtb } from "../fdt/index.ts";
import { inputTooLargeMessage, MAX_INPUT_BYTES, nodeFileHost, SourceFile, type DiagnosticSink, type FileHost } from "../source/index.ts";
import type { DeviceTree } from "../tree/model.ts";
import type { CompileOptions, InputFormat } from "./options.ts";

const FDT_MAGIC = 0xd00dfeed;

export function looksLikeDtb(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 === FDT_MAGIC;
}

/** The name dtc prints for standard input. */
export const STDIN_NAME = "<stdin>";

export interface InputSource {
  /** Name used in messages. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Reads `path` (`-` is standard input); undefined (with an error in `sink`) if it cannot be read. */
export function readInput(path: string, host: FileHost, sink: DiagnosticSink): InputSource | undefined {
  const name = path === "-" ? STDIN_NAME : path;
  const bytes = path === "-" ? readStdin() : host.readBytes(path);
  if (bytes === undefined) {
    sink.error("io", `Couldn't open "${path}": No such file or directory (or not a regular file)`);
    return undefined;
  }
  if (bytes.length > MAX_INPUT_BYTES) {
    sink.error("limit", inputTooLargeMessage(name, bytes.length));
    return undefined;
  }
  return { name, bytes };
}

/** Standard input by descriptor: /dev/stdin cannot be reopened when it is a socket. */
function readStdin(): Uint8Array | undefined {
  try {
    return readFileSync(0);
  } catch {
    return undefined;
  }
}

export interface TreeFromInput {
  readonly tree: DeviceTree;
  readonly format: InputFormat;
}

/** Source text → live tree (before checks). */
export function treeFromInput(input: InputSource, options: CompileOptions, sink: DiagnosticSink): TreeFromInput | undefined {
  const host = options.host ?? nodeFileHost;
  const format = options.inputFormat ?? (looksLikeDtb(input.bytes) ? "dtb" : "dts");
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
  return tree && { tree, format };
}
