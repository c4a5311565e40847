// Flattened device tree I/O and DTS output: the blob writer (byte-identical to dtc), a hardened
// blob reader, and dtc's `-O dts` text.
export { writeDtb, DtbWriteError } from "./dtb-writer.ts";
export type { DtbWriteOptions } from "./dtb-writer.ts";
export { readDtb } from "./dtb-reader.ts";
export { readFsTree } from "./fs-reader.ts";
export { writeYaml, YamlWriteError } from "./yaml-writer.ts";
export { writeAsm } from "./asm-writer.ts";
export { BlockWriter, emitDts, OutputTooLarge, writeDts, writeDtsBytes } from "./dts-writer.ts";
export type { AnnotationOptions } from "./annotations.ts";
export type { DtsWriteOptions, DtsDialect } from "./dts-writer.ts";
export { formatPropertyValue } from "./dts-value.ts";
export { VERSION_LAYOUTS, FDT_MAGIC } from "./format.ts";
export type { VersionLayout } from "./format.ts";
