// The check machinery of checks.c: run_check with prerequisites and statuses, check_msg with the
// quiet levels and positions, and process_checks' order. dtc quirks kept on purpose:
// - once an error-class check has failed, process_checks runs no further checks (its `error ||`
//   short-circuits), and likewise a check's later prerequisites are not run after one of them
//   failed with an error (they then report "Failed prerequisite");
// - a check whose prerequisite did not pass reports "Failed prerequisite 'x'" with no position.
import type { DiagnosticSink, RelatedSpan, Span } from "../source/index.ts";
import type { DeviceTree, DtNode, DtProperty } from "../tree/model.ts";
import { Levels, splitOverrideName, type CheckOverride } from "./levels.ts";
import { fullPath, NodeFacts, nodeByPath, phandleIndex, preorder } from "./tree-access.ts";
import type { CheckContext, CheckDefinition, CheckRunOptions, CheckState } from "./types.ts";

type Status = "unchecked" | "prereq" | "passed" | "failed";

const NO_NODES: readonly DtNode[] = [];

export interface RunnerOptions extends CheckRunOptions {
  readonly overrides: readonly CheckOverride[];
  readonly quiet: number;
}

class Run {
  private readonly status = new Map<string, Status>();
  private readonly inProgress = new Set<string>();
  private readonly byName: Map<string, CheckDefinition>;
  private readonly state: CheckState = new NodeFacts();
  /**
   * Phandle index, built on first use and dropped around every whole-tree check (phandles change
   * only while references resolve, in tree checks; node checks never assign one). It used to be
   * dropped before every check: each of the ~20 phandle-argument checks then walked the whole
   * tree again to rebuild it.
   */
  private phandles: Map<number, DtNode> | undefined;
  /**
   * Nodes in pre-order, reused between node checks: only the whole-tree checks (reference
   * resolution, /omit-if-no-ref/ pruning) change the set of nodes, and they drop it.
   */
  private nodes: DtNode[] | undefined;
  /**
   * For each property name, the nodes holding it, in pre-order (a superset is fine: see
   * onlyWithProperty). A check on one property then visits a few thousand nodes instead of
   * scanning every property of every node: on a 20,000-device board the ~40 node checks are
   * otherwise bound by the cache misses of those scans.
   */
  private holders: Map<string, DtNode[]> | undefined;
  /** onlyNamed lists, by name (reset with `nodes`). */
  private named: Map<string, DtNode[]> | undefined;

  constructor(
    private readonly tree: DeviceTree,
    private readonly table: readonly CheckDefinition[],
    private readonly levels: Levels,
    private readonly options: RunnerOptions,
    readonly sink: DiagnosticSink,
  ) {
    this.byName = new Map(table.map((c) => [c.name, c]));
  }

  /** process_checks: returns whether an error-class check failed. */
  all(): boolean {
    let error = false;
    for (const c of this.table) {
      const l = this.levels.get(c.name);
      if (l.warn || l.error) error = error || this.runCheck(c);
    }
    return error;
  }

  /** run_check. Recursion follows prerequisites only (a shallow acyclic graph). */
  private runCheck(c: CheckDefinition): boolean {
    let error = false;
    if (this.inProgress.has(c.name)) throw new Error(`check ${c.name}: prerequisite cycle`);
    if (this.statusOf(c) === "unchecked") {
      this.inProgress.add(c.name);
      for (const name of c.prerequisites) {
        const prq = this.byName.get(name)!;
        error = error || this.runCheck(prq);
        if (this.statusOf(prq) !== "passed") {
          this.status.set(c.name, "prereq");
          this.message(c, undefined, undefined, `Failed prerequisite '${name}'`);
        }
      }
      if (this.statusOf(c) === "unchecked") {
        this.execute(c);
        if (this.statusOf(c) === "unchecked") this.status.set(c.name, "passed");
      }
      this.inProgress.delete(c.name);
    }
    if (this.statusOf(c) !== "passed" && this.levels.get(c.name).error) error = true;
    return error;
  }

  private statusOf(c: CheckDefinition): Status {
    return this.status.get(c.name) ?? "unchecked";
  }

  private execute(c: CheckDefinition): void {
    const ctx = this.context(c);
    if (c.tree) {
      this.phandles = undefined;
      c.tree(ctx);
      this.phandles = undefined;
      this.nodes = undefined;
      this.holders = undefined;
      this.named = undefined;
    }
    if (c.node) {
      const fn = c.node;
      // check_nodes_props order. No node function adds or removes nodes, so the list holds; node
      // functions only ever remove properties (name_properties), which keeps `holders` a superset.
      const nodes =
        c.onlyWithProperty !== undefined ? this.holdersOf(c.onlyWithProperty) : c.onlyNamed !== undefined ? this.namedNodes(c.onlyNamed) : (this.nodes ??= preorder(this.tree.root));
      for (let i = 0; i < nodes.length; i++) fn(ctx, nodes[i]!);
    }
  }

  /** Nodes with this full name, in pre-order (names never change during the checks). */
  private namedNodes(name: string): readonly DtNode[] {
    this.named ??= new Map();
    let out = this.named.get(name);
    if (out === undefined) {
      out = [];
      for (const n of (this.nodes ??= preorder(this.tree.root))) if (n.name === name) out.push(n);
      this.named.set(name, out);
    }
    return out;
  }

  private holdersOf(name: string): readonly DtNode[] {
    if (!this.holders) {
      const holders = new Map<string, DtNode[]>();
      for (const n of (this.nodes ??= preorder(this.tree.root))) {
        const props = n.properties;
        for (let i = 0; i < props.length; i++) {
          const pname = props[i]!.name;
          const list = holders.get(pname);
          if (list === undefined) holders.set(pname, [n]);
          // A node listing the name twice (duplicate_property_names) is visited once.
          else if (list[list.length - 1] !== n) list.push(n);
        }
      }
      this.holders = holders;
    }
    return this.holders.get(name) ?? NO_NODES;
  }

  private context(c: CheckDefinition): CheckContext {
    const run = this;
    return {
      tree: this.tree,
      options: this.options,
      state: this.state,
      fail(node: DtNode, prop: DtProperty | undefined, message: string) {
        run.status.set(c.name, "failed");
        run.message(c, node, prop, message);
      },
      failTimes(node: DtNode, prop: DtProperty | undefined, message: string, count: number) {
        if (count <= 0) return;
        run.status.set(c.name, "failed");
        const severity = run.severityShown(c);
        if (severity === undefined) return;
        if (!run.sink.wouldShow(severity)) {
          run.sink.countOnly(severity, count);
          return;
        }
        run.message(c, node, prop, message, count);
      },
      showsMore() {
        const severity = run.severityShown(c);
        return severity !== undefined && run.sink.wouldShow(severity);
      },
      countFailures(count: number) {
        if (count <= 0) return;
        run.status.set(c.name, "failed");
        const severity = run.severityShown(c);
        if (severity !== undefined) run.sink.countOnly(severity, count);
      },
      failDeleted(path: string | undefined, span: Span | undefined, message: string) {
        run.status.set(c.name, "failed");
        run.emit(c, `${path ?? "(null)"}: ${message}`, span, undefined);
      },
      nodeByPhandle(phandle: number) {
        if (phandle === 0 || phandle === 0xffffffff) return undefined;
        run.phandles ??= phandleIndex(run.tree.root);
        return run.phandles.get(phandle);
      },
      nodeByPath: (path: string) => nodeByPath(this.tree.root, path),
      pathOf: fullPath,
    };
  }

  /** check_msg: quiet filtering, position (property, else node), path prefix, "also defined at". */
  private message(c: CheckDefinition, node: DtNode | undefined, prop: DtProperty | undefined, text: string, times = 1): void {
    const span: Span | undefined = prop?.span ?? node?.spans[0];
    let related: RelatedSpan[] | undefined;
    if (!prop && node && span && node.spans.length > 1) related = node.spans.slice(1).map((s) => ({ message: "also defined at", span: s }));
    let message = text;
    if (node) message = prop ? `${fullPath(node)}:${prop.name}: ${text}` : `${fullPath(node)}: ${text}`;
    this.emit(c, message, span, related, times);
  }

  /** The severity a message of this check is reported with, or undefined when -q hides it (check_msg). */
  severityShown(c: CheckDefinition): "error" | "warning" | undefined {
    const l = this.levels.get(c.name);
    const q = this.options.quiet;
    if (!(l.warn && q < 1) && !(l.error && q < 2)) return undefined;
    return l.error ? "error" : "warning";
  }

  private emit(c: CheckDefinition, message: string, span: Span | undefined, related: RelatedSpan[] | undefined, times = 1): void {
    const severity = this.severityShown(c);
    if (severity === undefined) return;
    const d = { severity, code: c.name, message, span, related };
    if (times === 1) this.sink.add(d);
    else this.sink.addRepeated(d, times);
  }
}

/** Runs the checks on `tree`; see index.ts. */
export function runCheckTable(tree: DeviceTree, table: readonly CheckDefinition[], options: RunnerOptions, sink: DiagnosticSink): { errors: boolean } {
  const levels = new Levels(table);
  for (const o of options.overrides) {
    if (!levels.apply(o)) sink.error("checks", `Unrecognized check name "${splitOverrideName(o.name).name}"`);
  }
  return { errors: new Run(tree, table, levels, options, sink).all() };
}

