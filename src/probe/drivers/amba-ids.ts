// The peripheral ID of an AMBA (PrimeCell) device. amba_match() (drivers/amba/bus.c) compares
// the ID that amba_read_periphid() reads from the device's ID registers at boot with each AMBA
// driver's amba_id table; compatibles play no part. A tree can give the ID
// (`arm,primecell-periphid`, which the kernel then uses instead of reading the hardware);
// otherwise dtprobe takes the ID of the part the binding's compatible names: ARM's PrimeCells
// `arm,plNNN` / `arm,spNNN` are part 0xNNN of designer 0x41, and the CoreSight and MHU bindings
// name one component each (the part numbers are those of the drivers' amba_id tables). Only the
// designer and part fields are known that way, not the revision: the comparison keeps to them.

import { ofPropertyReadU32 } from "../../of/index.ts";
import type { Device } from "../../graph/index.ts";

export interface AmbaPeriphId {
  readonly id: number;
  /** The bits of `id` that are known (all from the tree; designer and part from a compatible). */
  readonly knownBits: number;
  /** How the report names it: `0x00041330 (part of arm,pl330)`. */
  readonly what: string;
}

/** Designer (bits 12-19) and part number (bits 0-11). */
const DESIGNER_AND_PART = 0x000fffff;

/** Bindings that name one ARM CoreSight / MHU component: its designer 0xbb part number. */
const COMPONENT_PARTS: Readonly<Record<string, number>> = {
  "arm,coresight-tmc": 0xbb961,
  "arm,coresight-tpiu": 0xbb912,
  "arm,coresight-etb10": 0xbb907,
  "arm,coresight-dynamic-funnel": 0xbb908,
  "arm,coresight-dynamic-replicator": 0xbb909,
  "arm,coresight-etm3x": 0xbb921,
  "arm,coresight-etm4x": 0xbb95d,
  "arm,coresight-stm": 0xbb962,
  "arm,coresight-cpu-debug": 0xbbd03,
  "arm,coresight-cti": 0xbb906,
  "arm,coresight-catu": 0xbb9ee,
  "arm,mhu": 0xbb098,
  "arm,mhu-doorbell": 0xbb098,
  "arm,mhuv2-tx": 0xbb0d1,
  "arm,mhuv2-rx": 0xbb0d1,
};

const hex8 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, "0")}`;

/** The ID amba_match compares, from the tree or the compatible; undefined when neither tells. */
export function ambaPeriphId(dev: Device): AmbaPeriphId | undefined {
  const fromTree = dev.node ? ofPropertyReadU32(dev.node, "arm,primecell-periphid") : undefined;
  if (fromTree !== undefined) return { id: fromTree, knownBits: 0xffffffff, what: `${hex8(fromTree)} (arm,primecell-periphid)` };
  for (const c of dev.compatible) {
    const component = COMPONENT_PARTS[c];
    const m = /^arm,(pl|sp)([0-9][0-9a-f]{2}|18x)$/.exec(c);
    const id = component ?? (m ? 0x41000 | parseInt(m[2] === "18x" ? "180" : m[2]!, 16) : undefined);
    if (id !== undefined) return { id, knownBits: DESIGNER_AND_PART, what: `${hex8(id)} (designer and part of ${c}; the revision is read from the hardware)` };
  }
  return undefined;
}
