// The flattened device tree format (dtc's fdt.h and flattree.c version table): magic, tokens,
// header layout and what each blob version changes about the structure block.

export const FDT_MAGIC = 0xd00dfeed;

export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Size of one memory reservation entry (two big-endian u64). */
export const RESERVE_ENTRY_SIZE = 16;

/** Byte offsets of the header fields (each a big-endian u32). */
export const HeaderField = {
  magic: 0,
  totalsize: 4,
  offDtStruct: 8,
  offDtStrings: 12,
  offMemRsvmap: 16,
  version: 20,
  lastCompVersion: 24,
  bootCpuidPhys: 28,
  sizeDtStrings: 32,
  sizeDtStruct: 36,
} as const;

/** The newest layout this code knows; blobs that are backward compatible with it are readable. */
export const LAST_SUPPORTED_VERSION = 17;

export interface VersionLayout {
  readonly version: number;
  readonly lastCompVersion: number;
  /** Bytes of header this version writes (and a reader must find). */
  readonly headerSize: number;
  /** v1-3: a node's name in the struct block is its full path. */
  readonly fullPath: boolean;
  /** v1-3: property values of 8 bytes or more start 8-aligned. */
  readonly varAlign: boolean;
  /** v1-3: every node carries a `name` property. */
  readonly nameProps: boolean;
  readonly hasBootCpuid: boolean;
  readonly hasStringsSize: boolean;
  readonly hasStructSize: boolean;
}

function layout(version: number, lastCompVersion: number, headerSize: number, old: boolean, boot: boolean, strSize: boolean, structSize: boolean): VersionLayout {
  return { version, lastCompVersion, headerSize, fullPath: old, varAlign: old, nameProps: old, hasBootCpuid: boot, hasStringsSize: strSize, hasStructSize: structSize };
}

/** dtc's `version_table`: the versions `-V` accepts for output. */
export const VERSION_LAYOUTS: readonly VersionLayout[] = [
  layout(1, 1, 28, true, false, false, false),
  layout(2, 1, 32, true, true, false, false),
  layout(3, 1, 36, true, true, true, false),
  layout(16, 16, 36, false, true, true, false),
  layout(17, 16, 40, false, true, true, true),
];

export function versionLayout(version: number): VersionLayout | undefined {
  return VERSION_LAYOUTS.find((v) => v.version === version);
}

/**
 * How a reader treats a blob of `version`: versions above 17 read as 17 (their last_comp_version
 * was checked to be at most 17), 4..15 were never defined.
 */
export function readLayout(version: number): VersionLayout | undefined {
  if (version > LAST_SUPPORTED_VERSION) return versionLayout(LAST_SUPPORTED_VERSION);
  return versionLayout(version);
}
