// The shape of one dtc check (checks.c `struct check`): a name, a default level, prerequisites,
// and a function run on every node in pre-order (or once on the whole tree).
import type { Span } from "../source/index.ts";
import type { DeviceTree, DtNode, DtProperty, PhandleFormat } from "../tree/model.ts";

/** dtc's levels: ERROR-class, WARNING-class, or CHECK-class (off unless enabled with -W/-E). */
export type CheckLevel = "error" | "warning" | "off";

export interface CheckRunOptions {
  readonly phandleFormat: PhandleFormat;
  /** `-@`: labelled nodes get phandles and are never omitted by /omit-if-no-ref/. */
  readonly symbols: boolean;
}

/**
 * The bus a node was recognised as by the bridge checks (dtc's `node->bus`). Later checks read it:
 * unit-address checks are skipped under a recognised bus, and the *_reg checks only look at the
 * children of their own bus. The last check to set it wins, as in dtc.
 */
export type BusKind = "pci" | "simple-bus" | "i2c" | "spi" | "graph-port" | "graph-ports";

/**
 * Facts that checks record on nodes for later checks, as dtc keeps them in `struct node`
 * (`addr_cells`, `size_cells`, `bus`). One instance per run.
 */
export interface CheckState {
  /** `#address-cells` as a C int: -1 when absent; 0 when `addr_size_cells` never ran (dtc's zeroed node). */
  addressCells(node: DtNode): number;
  sizeCells(node: DtNode): number;
  setCells(node: DtNode, address: number, size: number): void;
  bus(node: DtNode): BusKind | undefined;
  setBus(node: DtNode, bus: BusKind): void;
}

export interface CheckContext {
  readonly tree: DeviceTree;
  readonly options: CheckRunOptions;
  readonly state: CheckState;
  /** Reports a failure of the running check (dtc's FAIL / FAIL_PROP). */
  fail(node: DtNode, prop: DtProperty | undefined, message: string): void;
  /**
   * `count` failures with the same message on the same item, one after another (dtc's pairwise
   * loops repeat a message once per later duplicate): those that would not be shown cost nothing.
   */
  failTimes(node: DtNode, prop: DtProperty | undefined, message: string, count: number): void;
  /**
   * Whether another failure of the running check would be shown (its level is not hidden by -q
   * and the diagnostic limit is not reached). A check about to report many failures of one kind
   * counts them with countFailures instead once this is false, so its work stays linear.
   */
  showsMore(): boolean;
  /** `count` failures of the running check that are counted but not shown. */
  countFailures(count: number): void;
  /**
   * FAIL on a deleted node dtc still lists among its parent's children (a GhostChild): its path
   * is "(null)" when it was deleted before dtc filled in paths.
   */
  failDeleted(path: string | undefined, span: Span | undefined, message: string): void;
  /** dtc's get_node_by_phandle: the first node in pre-order with this phandle (0 and ~0 never match). */
  nodeByPhandle(phandle: number): DtNode | undefined;
  /** dtc's get_node_by_path, with its quirks (leading slashes skipped, exact component names). */
  nodeByPath(path: string): DtNode | undefined;
  /** The node's full path (dtc's `fullpath`), computed without recursion. */
  pathOf(node: DtNode): string;
}

export interface CheckDefinition {
  /** dtc's name, as used by -W/-E and printed in messages. */
  readonly name: string;
  readonly defaultLevel: CheckLevel;
  readonly prerequisites: readonly string[];
  /** Run on each node in pre-order. */
  readonly node?: (ctx: CheckContext, node: DtNode) => void;
  /** Run once (for checks that walk the tree themselves). */
  readonly tree?: (ctx: CheckContext) => void;
  /**
   * The node function does nothing on a node without this property, so the walk can be skipped
   * when no node has it (most of the 16 phandle+args properties are absent from most trees).
   */
  readonly onlyWithProperty?: string;
  /** The node function does nothing on a node whose full name is not this (`chosen`, `aliases`). */
  readonly onlyNamed?: string;
}
