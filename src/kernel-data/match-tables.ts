// Entries of the ID tables drivers match by: of_device_id (compatible), pci_device_id
// (vendor/device/subsystem/class), amba_id (peripheral ID and mask), and mfd_cell (the cells an
// MFD driver adds, with the compatible each matches). Field orders follow
// include/linux/mod_devicetable.h and include/linux/mfd/core.h, for positional initializers.
import { evaluateTokens } from "./c-expr.ts";
import { tokensText } from "./c-tokens.ts";
import { fieldsOf, stringValue, type InitList, type InitValue } from "./initializer.ts";

const OF_FIELDS = ["name", "type", "compatible", "data"];
const PCI_FIELDS = ["vendor", "device", "subvendor", "subdevice", "class", "class_mask", "driver_data", "override_only"];
const AMBA_FIELDS = ["id", "mask", "data"];

export interface OfEntry {
  readonly compatible: string;
  /** Guard id of the entry (an index into the file's guards). */
  readonly g: number;
}

export interface TableResult<E> {
  readonly entries: E[];
  /** Entries whose value could not be read (not a literal after macro expansion), as text. */
  readonly unresolved: string[];
}

function entryLists(list: InitList): InitList[] {
  return list.items.map((i) => i.value).filter((v): v is InitList => v.kind === "list");
}

export function ofTableEntries(list: InitList): TableResult<OfEntry> {
  const entries: OfEntry[] = [];
  const unresolved: string[] = [];
  for (const e of entryLists(list)) {
    const f = fieldsOf(e, OF_FIELDS);
    const c = f.get("compatible");
    if (c === undefined) continue; // the sentinel, or a name/type-only entry (no compatible)
    const s = stringValue(c);
    if (s === undefined) unresolved.push(c.kind === "expr" ? tokensText(c.tokens) : "{...}");
    else if (s !== "") entries.push({ compatible: s, g: c.kind === "expr" ? (c.tokens[0]?.g ?? e.g) : e.g });
  }
  return { entries, unresolved };
}

const ANY = 0xffffffff;

function u32(v: InitValue | undefined): number | undefined {
  if (v === undefined) return 0;
  if (v.kind !== "expr") return undefined;
  const n = evaluateTokens(v.tokens, () => undefined, 32);
  return n === undefined ? undefined : Number(BigInt.asUintN(32, n));
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const id16 = (n: number) => (n === ANY ? "*" : hex(n & 0xffff, 4));

/** `vvvv:dddd[ sub ssss:ssss][ class cccccc/mmmmmm]`, `*` for PCI_ANY_ID. */
export function formatPciId(vendor: number, device: number, subvendor: number, subdevice: number, cls: number, mask: number): string {
  let s = `${id16(vendor)}:${id16(device)}`;
  if (subvendor !== ANY || subdevice !== ANY) s += ` sub ${id16(subvendor)}:${id16(subdevice)}`;
  if (mask !== 0) s += ` class ${hex(cls & 0xffffff, 6)}/${hex(mask & 0xffffff, 6)}`;
  return s;
}

export function pciTableEntries(list: InitList): TableResult<string> {
  const entries: string[] = [];
  const unresolved: string[] = [];
  for (const e of entryLists(list)) {
    const f = fieldsOf(e, PCI_FIELDS);
    const v = ["vendor", "device", "subvendor", "subdevice", "class", "class_mask"].map((k) => u32(f.get(k)));
    // class is not compared when class_mask is 0 (some tables put driver data there by position).
    if (v[5] === 0) v[4] = 0;
    if (v.some((x) => x === undefined)) {
      unresolved.push(e.items.map((i) => (i.value.kind === "expr" ? tokensText(i.value.tokens) : "{...}")).join(","));
      continue;
    }
    const [vendor, device, subvendor, subdevice, cls, mask] = v as number[];
    // The terminator: pci_match_id() stops at an entry with vendor, subvendor and class_mask 0.
    if (vendor === 0 && subvendor === 0 && mask === 0) continue;
    entries.push(formatPciId(vendor!, device!, subvendor!, subdevice!, cls!, mask!));
  }
  return { entries, unresolved };
}

export function ambaTableEntries(list: InitList): TableResult<string> {
  const entries: string[] = [];
  const unresolved: string[] = [];
  for (const e of entryLists(list)) {
    const f = fieldsOf(e, AMBA_FIELDS);
    const id = u32(f.get("id"));
    const mask = u32(f.get("mask"));
    if (id === undefined || mask === undefined) {
      unresolved.push(e.items.map((i) => (i.value.kind === "expr" ? tokensText(i.value.tokens) : "{...}")).join(","));
      continue;
    }
    if (id === 0 && mask === 0) continue;
    entries.push(`${hex(id, 8)}&${hex(mask, 8)}`);
  }
  return { entries, unresolved };
}

export interface MfdCell {
  readonly name: string;
  readonly compatible?: string;
}

export function mfdCells(list: InitList): MfdCell[] {
  const out: MfdCell[] = [];
  for (const e of entryLists(list)) {
    const f = fieldsOf(e);
    const name = stringValue(f.get("name"));
    if (name === undefined) continue;
    const compatible = stringValue(f.get("of_compatible"));
    out.push(compatible === undefined ? { name } : { name, compatible });
  }
  return out;
}
