// The live tree: nodes and properties as dtc's livetree holds them, after parsing and merging.
// Property values are bytes plus markers, as dtc's `struct data`: markers remember where labels,
// references and type boundaries sit so that references can be resolved in place, fixups
// generated, and `-O dts` can print values the way they were written.
import { internName, type SourceFile, type Span } from "../source/index.ts";
import { listHasLabel } from "./labels.ts";

export type ValueType = "u8" | "u16" | "u32" | "u64" | "string" | "bytes";

export type Marker =
  /** A value label (`p = <1 l: 2>;`) at `offset`. */
  | { readonly kind: "label"; offset: number; readonly name: string }
  /** A phandle cell at `offset` (4 bytes, 0xffffffff until resolved) for `<&ref>`. */
  | { readonly kind: "phandleRef"; offset: number; readonly ref: string; readonly span: Span }
  /** A path string to splice in at `offset` for `= &ref;` (zero length until resolved). */
  | { readonly kind: "pathRef"; offset: number; readonly ref: string; readonly span: Span }
  /**
   * From `offset` on, the data was written as this type (for `-O dts`). The tree builder writes
   * "u8" for both `[ab cd]` and `/bits/ 8 <...>`, as dtc does (TYPE_UINT8); "bytes" is never written
   * by src/tree. `/incbin/` data gets no type marker (dtc's TYPE_NONE is not a type marker).
   */
  | { readonly kind: "type"; offset: number; readonly type: ValueType };

/** A reference as written: `label`, `/abs/path`, or `label/rel/path`. */
export type RefText = string;

const EMPTY_BYTES = new Uint8Array(0);

/** Bits of PropertyValue.markerKinds. */
export const HAS_LABEL = 1;
export const HAS_PHANDLE_REF = 2;
export const HAS_PATH_REF = 4;

/**
 * A property's bytes and markers. The tree builder shares one PropertyValue between properties
 * whose reference-free values are written identically (see encodeSimpleValue): never write into
 * `bytes` or edit `markers` of a value without phandle/path references in place -- give the
 * property a new PropertyValue. (Resolving references writes phandle cells and splices paths in
 * place; values holding references are never shared.)
 */
export class PropertyValue {
  /**
   * The bytes, when the value owns an array of its own. Values built as a range of a shared slab
   * (see inSlab) keep (slab, offset, length) instead and make a view per read (see `bytes`): a
   * Uint8Array is ~100 bytes, too much to keep for every property of a large board.
   */
  #bytes: Uint8Array | undefined;
  #slab: Uint8Array | undefined = undefined;
  #offset = 0;
  #length: number;

  constructor(
    bytes: Uint8Array,
    /**
     * May be a shared, frozen list (the tree builder shares the lists of the commonest values):
     * to change the markers, assign a new array; never push to or splice the list in place.
     */
    public markers: Marker[] = [],
    /** The markerKinds of `markers`, when the caller knows them (trusted). */
    kinds?: number,
  ) {
    this.#bytes = bytes;
    this.#length = bytes.length;
    if (kinds !== undefined) {
      this.#kinds = kinds;
      this.#kindsOf = markers;
    }
  }

  /** A value whose bytes are `slab[offset, offset + length)` (its `bytes` view is made when first read). */
  static inSlab(slab: Uint8Array, offset: number, length: number, markers: Marker[], kinds?: number): PropertyValue {
    const value = new PropertyValue(EMPTY_BYTES, markers, kinds);
    value.#bytes = undefined;
    value.#slab = slab;
    value.#offset = offset;
    value.#length = length;
    return value;
  }

  static empty(): PropertyValue {
    return new PropertyValue(new Uint8Array(0), [], 0);
  }

  get bytes(): Uint8Array {
    // Slab-backed values get a fresh view per read, never kept: a kept view is ~100 bytes on
    // every property that was ever read (most are, by the checks), a tenth of a large tree's
    // heap, while a view read and dropped dies young. The view aliases the slab, so writes
    // through it (reference resolution) still land in the value.
    return this.#bytes ?? new Uint8Array(this.#slab!.buffer, this.#slab!.byteOffset + this.#offset, this.#length);
  }

  set bytes(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#slab = undefined;
    this.#length = bytes.length;
  }

  get length(): number {
    return this.#length;
  }

  /**
   * The big-endian u32 at byte `offset` (the caller checks offset + 4 <= length), read without
   * making a view: the kernel model reads first cells (`reg`, `iommus`, `phandle`) at every device.
   */
  u32At(offset: number): number {
    const own = this.#bytes;
    const b = own ?? this.#slab!;
    const o = own ? offset : this.#offset + offset;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  // The kinds are cached for one markers array: assigning a new one recomputes them.
  #kinds = 0;
  #kindsOf: Marker[] | undefined = undefined;

  /**
   * Which non-type markers the value holds: HAS_LABEL | HAS_PHANDLE_REF | HAS_PATH_REF. Whole-tree
   * passes (reference resolution, duplicate labels) test this instead of reading every marker:
   * markers come in several shapes, so reading their `kind` is a slow, cache-missing load, and
   * most values hold only type markers.
   */
  get markerKinds(): number {
    const markers = this.markers;
    if (this.#kindsOf !== markers) {
      let kinds = 0;
      for (let i = 0; i < markers.length; i++) {
        const k = markers[i]!.kind;
        if (k === "label") kinds |= HAS_LABEL;
        else if (k === "phandleRef") kinds |= HAS_PHANDLE_REF;
        else if (k === "pathRef") kinds |= HAS_PATH_REF;
      }
      this.#kinds = kinds;
      this.#kindsOf = markers;
    }
    return this.#kinds;
  }
}

export { internName } from "../source/index.ts";

/**
 * The label list of the many properties and generated nodes that have none: one frozen array.
 * addLabel replaces an empty list instead of growing it, so nothing writes to this one.
 */
export const NO_LABELS: string[] = Object.freeze([]) as unknown as string[];

/** The rare property spans that end in another buffer (Span.tail), kept beside the three fields. */
const spanTails = new WeakMap<DtProperty, NonNullable<Span["tail"]>>();

export class DtProperty {
  public name: string;

  constructor(
    name: string,
    public value: PropertyValue,
    /**
     * Property labels (`l: prop = ...`) in dtc's list order: source order within one definition,
     * each label added by a later definition in front.
     */
    public labels: string[],
    span: Span | undefined,
  ) {
    this.name = internName(name);
    this.span = span;
  }

  // The span is kept as its three parts rather than as an object: one object fewer per property
  // (a large board has hundreds of thousands) for the garbage collector to trace and move.
  #spanFile: SourceFile | undefined = undefined;
  #spanStart = 0;
  #spanEnd = 0;

  /**
   * From the name (labels excluded, as dtc's srcpos) to the `;` of its latest definition;
   * undefined when read from a DTB or generated (phandle, __symbols__, fixups). Each read gives a
   * new (equal) object.
   */
  get span(): Span | undefined {
    const file = this.#spanFile;
    if (file === undefined) return undefined;
    const tail = spanTails.get(this);
    return tail === undefined ? { file, start: this.#spanStart, end: this.#spanEnd } : { file, start: this.#spanStart, end: this.#spanEnd, tail };
  }

  set span(s: Span | undefined) {
    this.#spanFile = s?.file;
    this.#spanStart = s?.start ?? 0;
    this.#spanEnd = s?.end ?? 0;
    if (s?.tail !== undefined) spanTails.set(this, s.tail);
    else spanTails.delete(this);
  }

  /**
   * Set by `/delete-property/` while the tree is being built: dtc keeps deleted properties in
   * place so that a later redefinition reappears at the old position. A finished DeviceTree
   * (what src/tree hands to later layers) never contains deleted items.
   */
  deleted = false;
  /** Building only: labels of `labels` that dtc has marked deleted (they revive in place if re-added). */
  deletedLabels: Set<string> | undefined = undefined;
}

/**
 * A child dtc still holds in its sibling list although it is deleted (a `/delete-node/` marker left in
 * the block that defined its parent, a deleted node never reinstated, or a node dropped by
 * `/omit-if-no-ref/`). The finished tree drops them; a few dtc checks look at the raw sibling list
 * (`duplicate_node_names` compares later siblings including deleted ones; `!node->children` tests,
 * `node->children->name`), so their traces are kept here.
 */
export interface GhostChild {
  readonly name: string;
  /** Its first definition, where dtc reports it (or the `/delete-node/ name;` statement). */
  readonly span: Span | undefined;
  /** How many live children come before it in the sibling list. */
  index: number;
  /** dtc's `fullpath`: undefined when it was deleted before paths were filled in (dtc prints "(null)"). */
  readonly path: string | undefined;
  /** Dropped by omit_unused_nodes (after the checks that precede it ran). */
  readonly omitted: boolean;
}

/** Up to this many properties, `property()` scans instead of building a per-node Map. */
const PROPERTY_SCAN_LIMIT = 32;

export class DtNode {
  /** Full name including `@unit`; "" for the root. */
  name: string;
  parent: DtNode | null = null;
  /**
   * Node labels in dtc's list order: source order within one definition, each label added by a
   * later definition (merge, `label: &ref {}`) in front.
   */
  labels: string[] = [];
  readonly properties: DtProperty[] = [];
  readonly children: DtNode[] = [];
  /** Every definition of this node (`{` to `};`): the first, then each merged block. */
  readonly spans: Span[];
  /** The node's phandle once assigned (explicitly or on first reference); 0 for none. */
  phandle = 0;
  /** Building only: see DtProperty.deleted. */
  deleted = false;
  /** Marked `/omit-if-no-ref/`. */
  omitIfNoRef = false;
  /** Target of at least one phandle or path reference (clears omit-if-no-ref). */
  referenced = false;
  /**
   * dtc keeps deleted labels in a node's list, and a few steps only test that the list is non-empty
   * (`-@` allocates a phandle and `omit_unused_nodes` spares such a node): true when the finished
   * node had labels deleted (a deleted node later reinstated by a merge).
   */
  hasDeletedLabels = false;
  /** Building only: labels of `labels` that dtc has marked deleted (they revive in place if re-added). */
  deletedLabels: Set<string> | undefined = undefined;
  /**
   * Building only: set when one of `properties` may be deleted or have deleted labels (a
   * `/delete-property/` placeholder was appended, or a property or the node was deleted), so
   * compaction visits the properties of these nodes only.
   */
  mayHoldDeletedProperties = false;
  /** Deleted children dtc would still list (see GhostChild); undefined when there are none. */
  ghosts: GhostChild[] | undefined = undefined;

  private childIndex: Map<string, DtNode> | undefined = undefined;
  private propIndex: Map<string, DtProperty> | undefined = undefined;

  /** `firstSpan` starts `spans` as an exact-size array (a pushed-to empty array reserves 17 slots). */
  constructor(name: string, firstSpan?: Span) {
    this.name = name;
    this.spans = firstSpan === undefined ? [] : [firstSpan];
  }

  /**
   * Sets `spans` to the one definition given: for a node made when its block opened, before the
   * block's end (and so its span) was known (the tree built while parsing).
   */
  setFirstSpan(span: Span): void {
    (this as unknown as { spans: Span[] }).spans = [span];
  }

  /** Base name without the unit address. */
  get baseName(): string {
    const at = this.name.indexOf("@");
    return at < 0 ? this.name : this.name.slice(0, at);
  }

  /** Text after `@`, or undefined. */
  get unitAddress(): string | undefined {
    const at = this.name.indexOf("@");
    return at < 0 ? undefined : this.name.slice(at + 1);
  }

  /** Full path (dtc's `fullpath`); computed by walking up, so depth cannot overflow the stack. */
  get path(): string {
    if (!this.parent) return "/";
    const names: string[] = [];
    for (let n: DtNode | null = this; n && n.parent; n = n.parent) names.push(n.name);
    names.reverse();
    return "/" + names.join("/");
  }

  /** True when this node has the label and dtc has not marked it deleted (only differs while building). */
  hasLiveLabel(label: string): boolean {
    return listHasLabel(this.labels, label) && !(this.deletedLabels?.has(label) ?? false);
  }

  /**
   * Replaces `properties` and `children` with exact-size copies. Lists grown by push keep room for
   * at least 17 entries; on a finished tree of 100,000 nodes that slack was ~15% of its memory.
   * Only for the end of building (nobody holds the old arrays then).
   */
  trimLists(): void {
    const self = this as unknown as { properties: DtProperty[]; children: DtNode[] };
    if (this.properties.length > 0) self.properties = this.properties.slice();
    if (this.children.length > 0) self.children = this.children.slice();
  }

  /**
   * Drops the lookup maps after `children` or `properties` were edited in place (compaction,
   * sorting). The maps are rebuilt on the next lookup.
   */
  resetIndexes(): void {
    this.childIndex = undefined;
    this.propIndex = undefined;
  }

  // -- children: O(1) lookup by full name, order preserved --

  child(name: string): DtNode | undefined {
    const kids = this.children;
    if (kids.length < 8) {
      for (let i = 0; i < kids.length; i++) if (kids[i]!.name === name) return kids[i];
      return undefined;
    }
    return this.childMap().get(name);
  }

  private childMap(): Map<string, DtNode> {
    if (!this.childIndex) {
      this.childIndex = new Map();
      // First definition wins, as dtc's linear search does when duplicates exist.
      for (const c of this.children) if (!this.childIndex.has(c.name)) this.childIndex.set(c.name, c);
    }
    return this.childIndex;
  }

  appendChild(child: DtNode): void {
    child.parent = this;
    this.children.push(child);
    if (this.childIndex && !this.childIndex.has(child.name)) this.childIndex.set(child.name, child);
  }

  removeChild(child: DtNode): void {
    const i = this.children.indexOf(child);
    if (i < 0) return;
    this.children.splice(i, 1);
    child.parent = null;
    this.childIndex = undefined;
  }

  // -- properties: O(1) lookup by name, order preserved --

  property(name: string): DtProperty | undefined {
    // A plain loop beats a hash lookup (and a Map per node) for the dozen or so properties a
    // device node has; property names are interned, so most comparisons are pointer checks.
    const props = this.properties;
    if (props.length <= PROPERTY_SCAN_LIMIT) {
      for (let i = 0; i < props.length; i++) if (props[i]!.name === name) return props[i];
      return undefined;
    }
    return this.propMap().get(name);
  }

  private propMap(): Map<string, DtProperty> {
    if (!this.propIndex) {
      this.propIndex = new Map();
      for (const p of this.properties) if (!this.propIndex.has(p.name)) this.propIndex.set(p.name, p);
    }
    return this.propIndex;
  }

  appendProperty(prop: DtProperty): void {
    if (prop.deleted || prop.deletedLabels !== undefined) this.mayHoldDeletedProperties = true;
    this.properties.push(prop);
    if (this.propIndex && !this.propIndex.has(prop.name)) this.propIndex.set(prop.name, prop);
  }

  removeProperty(prop: DtProperty): void {
    const i = this.properties.indexOf(prop);
    if (i < 0) return;
    this.properties.splice(i, 1);
    this.propIndex = undefined;
  }

  /**
   * This node and its descendants in pre-order, as an array (no recursion). Cheaper than walk()
   * for whole-tree passes: no generator frames, and the list can be reused.
   */
  preorder(): DtNode[] {
    const out: DtNode[] = [];
    const stack: DtNode[] = [this];
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push(n);
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    return out;
  }

  /** Depth-first pre-order walk without recursion (trees may be 10,000+ deep). */
  *walk(): IterableIterator<DtNode> {
    const stack: DtNode[] = [this];
    while (stack.length > 0) {
      const n = stack.pop()!;
      yield n;
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
}

export interface MemReserveEntry {
  address: bigint;
  size: bigint;
  labels: string[];
  span: Span | undefined;
}

/** A whole device tree: what dtc calls `struct dt_info`. */
export class DeviceTree {
  /** `/plugin/` was given: unresolved references become fixups. */
  plugin = false;
  readonly memreserves: MemReserveEntry[] = [];
  /** Header `boot_cpuid_phys` (from a DTB, or computed from /cpus at output time). */
  bootCpuId: number | undefined = undefined;

  constructor(readonly root: DtNode) {}
}

/**
 * How tree-level passes (reference resolution, phandle checks) report a problem: against a node,
 * optionally one of its properties, with dtc's message text (without the path prefix). The check
 * runner in src/checks turns this into a positioned diagnostic under the running check's name.
 */
export type TreeProblemReporter = (node: DtNode, prop: DtProperty | undefined, message: string) => void;

/** `-H`: which properties a newly allocated phandle is written to. */
export type PhandleFormat = "legacy" | "epapr" | "both";
