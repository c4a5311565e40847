// What a caller may ask of the generator, with the limits that keep output meaningful.

export interface BoardOptions {
  /** Number of devices on the SoC bus (each one labelled node with its own `reg`). */
  readonly nodes: number;
  /** Number of IOMMU instances; families are assigned round-robin (see iommu-plan.ts). 0 means none. */
  readonly iommus: number;
  /** PRNG seed (default 1). Same options + seed ⇒ byte-identical output. */
  readonly seed?: number;
}

export const DEFAULT_SEED = 1;

/**
 * Upper bounds. A device is ~366 bytes, and V8 strings stop at 2^29 - 24 characters (~536 MB), so a
 * million devices (~370 MB) is the largest board one string can hold. IOMMU register windows are
 * 256 KiB apart below 0x2000_0000, which leaves room for 1024.
 */
export const MAX_NODES = 1_000_000;
export const MAX_IOMMUS = 1024;
/** For the stress shapes (siblings in one block, nesting depth): ~100 bytes each keeps the text well under V8's string limit. */
export const MAX_STRESS = 2_000_000;

/** dtc's bison parser dies past ~9,988 children in one block; the board reopens the bus this often. */
export const DEVICES_PER_BLOCK = 5000;

/** Returns an error message for options out of range, or undefined when they are usable. */
export function validateBoardOptions(o: BoardOptions): string | undefined {
  if (!Number.isSafeInteger(o.nodes) || o.nodes < 1 || o.nodes > MAX_NODES) return `nodes must be an integer from 1 to ${MAX_NODES}`;
  if (!Number.isSafeInteger(o.iommus) || o.iommus < 0 || o.iommus > MAX_IOMMUS) return `iommus must be an integer from 0 to ${MAX_IOMMUS}`;
  if (o.seed !== undefined && (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)) return "seed must be an integer from 0 to 4294967295";
  return undefined;
}
