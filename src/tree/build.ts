// buildTree: applies a parsed document in order, as dtc's parser actions do (dtc-parser.y): header
// flags, /memreserve/ entries, the first tree, then each top-level statement (merge, label merge,
// overlay fragment, delete, omit-if-no-ref). Parse-time errors are reported with dtc's texts and
// positions; the build goes on after them (dtc keeps parsing) and the result is then discarded.
import type { DtsDocument, Header, MemReserve, Reference, TopLevelStatement } from "../../grammar/ast.ts";
import { joinSpans, type DiagnosticSink, type FileHost } from "../source/index.ts";
import { guessBootCpuIdOf } from "./boot-cpu.ts";
import { BuildAborted, BuildProblems } from "./build-problems.ts";
import { compactTree } from "./compact.ts";
import { deleteNode, TreeEditor } from "./edit.ts";
import { evaluateExpr } from "./expressions.ts";
import { buildFreshNode } from "./fresh.ts";
import { addSourceLabels } from "./labels.ts";
import { nodeByRef, setTreeIndex, TreeIndex } from "./lookup.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue, type MemReserveEntry } from "./model.ts";
import { refText, type ValueContext } from "./values.ts";
import { SharedValues } from "./simple-values.ts";

export interface BuildOptions {
  readonly host: FileHost;
  /** `-i` directories, searched by `/incbin/` after the including file's directory. */
  readonly includeDirs: readonly string[];
}

/** dtc's is_ref_relative: a label-relative path (`label/sub`). */
function isRefRelative(ref: string): boolean {
  return ref.charCodeAt(0) !== 47 && ref.indexOf("/", 1) >= 0;
}

/**
 * Header flags: `headers: header | header headers` is right-recursive, so dtc compares each header
 * with the next from the last pair to the first, reporting at the span of the rest of the list.
 */
export function checkHeaders(headers: readonly Header[], problems: BuildProblems): boolean {
  for (let i = headers.length - 2; i >= 0; i--) {
    if (headers[i]!.plugin !== headers[i + 1]!.plugin) {
      problems.semantic("Header flags don't match earlier ones", joinSpans(headers[i + 1]!.span, headers[headers.length - 1]!.span));
    }
  }
  return headers[0]?.plugin ?? false;
}

export function buildMemreserve(m: MemReserve, ctx: ValueContext): MemReserveEntry {
  const address = evaluateExpr(m.address, ctx.problems);
  const size = evaluateExpr(m.size, ctx.problems);
  const owner = { labels: [] as string[], deletedLabels: undefined };
  addSourceLabels(owner, m.labels);
  const entry: MemReserveEntry = { address, size, labels: owner.labels, span: m.span };
  return entry;
}

/**
 * Applies top-level statements in order. Each statement's block is built by buildFreshNode from
 * its AST body, or comes already built (`fresh`) when the tree is built while parsing.
 */
export class DocumentBuilder {
  private tree!: DeviceTree;
  private index!: TreeIndex;
  private editor!: TreeEditor;
  /** dtc's `static unsigned int next_orphan_fragment`. */
  private nextFragment = 0;

  constructor(
    private readonly plugin: boolean,
    private readonly ctx: ValueContext,
  ) {}

  private get problems(): BuildProblems {
    return this.ctx.problems;
  }

  /** The lookup index kept current through the build (see finishTree). */
  get lookupIndex(): TreeIndex {
    return this.index;
  }

  /** The first statement creates the tree: `/ { ... };`, or (plugins) an overlay fragment. */
  start(first: TopLevelStatement | undefined, built?: DtNode): DeviceTree {
    let root: DtNode;
    let orphan: { fresh: DtNode; ref: string; span: Reference["span"] } | undefined;
    if (first?.kind === "root") {
      root = built ?? buildFreshNode("", first.body, [], false, this.ctx);
    } else if (first?.kind === "refNode") {
      const fresh = built ?? buildFreshNode("", first.body, [], false, this.ctx);
      const ref = refText(first.ref);
      if (!this.plugin) this.problems.semantic(`Label or path ${ref} not found`, first.body.span);
      else if (isRefRelative(ref)) this.problems.semantic(`Label-relative reference ${ref} not supported in plugin`, first.body.span);
      root = new DtNode("");
      orphan = { fresh, ref, span: first.ref.span };
    } else {
      root = new DtNode("");
    }
    this.tree = new DeviceTree(root);
    this.index = new TreeIndex();
    this.index.registerSubtree(root);
    this.editor = new TreeEditor(this.index);
    if (orphan) this.addOrphanNode(orphan.fresh, orphan.ref, orphan.span);
    else if (first && first.kind !== "root") this.apply(first);
    return this.tree;
  }

  private find(ref: string): DtNode | undefined {
    return nodeByRef(this.tree.root, this.index, ref);
  }

  /** dtc's add_orphan_node: `fragment@N { target = <&ref>; | target-path = "/path"; __overlay__ {...}; }`. */
  private addOrphanNode(fresh: DtNode, ref: string, refSpan: Reference["span"]): void {
    let prop: DtProperty;
    if (ref.charCodeAt(0) === 47) {
      const bytes = new Uint8Array(ref.length + 1);
      for (let i = 0; i < ref.length; i++) bytes[i] = ref.charCodeAt(i) & 0xff;
      prop = new DtProperty("target-path", new PropertyValue(bytes, [{ kind: "type", offset: 0, type: "string" }]), [], undefined);
    } else {
      prop = new DtProperty("target", new PropertyValue(new Uint8Array([0xff, 0xff, 0xff, 0xff]), [{ kind: "phandleRef", offset: 0, ref, span: refSpan }]), [], undefined);
    }
    fresh.name = "__overlay__";
    const fragment = new DtNode(`fragment@${this.nextFragment++}`);
    fragment.appendProperty(prop);
    fragment.appendChild(fresh);
    this.editor.addChild(this.tree.root, fragment);
  }

  apply(st: TopLevelStatement, built?: DtNode): void {
    switch (st.kind) {
      case "root": {
        const fresh = built ?? buildFreshNode("", st.body, [], false, this.ctx);
        this.editor.mergeNodes(this.tree.root, fresh);
        return;
      }
      case "refNode": {
        const fresh = built ?? buildFreshNode("", st.body, [], false, this.ctx);
        const ref = refText(st.ref);
        if (st.labels.length > 0) {
          // `devicetree DT_LABEL dt_ref nodedef`
          const target = this.find(ref);
          if (this.plugin && isRefRelative(ref)) this.problems.semantic(`Label-relative reference ${ref} not supported in plugin`, st.labels[0]!.span);
          if (target) {
            this.editor.addNodeLabels(target, st.labels.map((l) => l.name));
            this.editor.mergeNodes(target, fresh);
          } else this.problems.semantic(`Label or path ${ref} not found`, st.ref.span);
          return;
        }
        if (st.ref.kind === "path") {
          // `devicetree DT_PATH_REF nodedef`: in a plugin always a target-path fragment.
          if (this.plugin) {
            if (isRefRelative(ref)) this.problems.semantic(`Label-relative reference ${ref} not supported in plugin`, st.ref.span);
            this.addOrphanNode(fresh, ref, st.ref.span);
            return;
          }
          const target = this.find(ref);
          if (target) this.editor.mergeNodes(target, fresh);
          else this.problems.semantic(`Label or path ${ref} not found`, st.ref.span);
          return;
        }
        // `devicetree DT_LABEL_REF nodedef`: a plugin turns an unknown label into a fragment.
        const target = this.find(ref);
        if (target) this.editor.mergeNodes(target, fresh);
        else if (this.plugin) this.addOrphanNode(fresh, ref, st.ref.span);
        else this.problems.semantic(`Label or path ${ref} not found`, st.ref.span);
        return;
      }
      case "deleteNode": {
        const ref = refText(st.ref);
        const target = this.find(ref);
        if (target) deleteNode(target);
        else this.problems.semantic(`Label or path ${ref} not found`, st.ref.span);
        return;
      }
      case "omitIfNoRef": {
        const ref = refText(st.ref);
        const target = this.find(ref);
        if (target) target.omitIfNoRef = true;
        else this.problems.semantic(`Label or path ${ref} not found`, st.ref.span);
        return;
      }
    }
  }
}

function buildDocument(doc: DtsDocument, ctx: ValueContext): DeviceTree {
  const plugin = checkHeaders(doc.headers, ctx.problems);
  const memreserves = doc.memreserves.map((m) => buildMemreserve(m, ctx));
  const builder = new DocumentBuilder(plugin, ctx);
  const tree = builder.start(doc.statements[0]);
  for (let i = 1; i < doc.statements.length; i++) builder.apply(doc.statements[i]!);
  return finishTree(tree, plugin, memreserves, builder.lookupIndex);
}

/**
 * The end of building, after the last statement: header data, boot CPU guess, compaction, and the
 * lookup index -- the builder's own, which already holds every live (label, node) pair. Its lists
 * may also name nodes or labels deleted during the build; every lookup skips those (deleted flag,
 * hasLiveLabel), as it does while building, so a second indexing walk over the whole tree (a few
 * percent of building a large board) is not needed.
 */
export function finishTree(tree: DeviceTree, plugin: boolean, memreserves: readonly MemReserveEntry[], index: TreeIndex): DeviceTree {
  tree.plugin = plugin;
  for (const m of memreserves) tree.memreserves.push(m);
  // dtc guesses the boot CPU when parsing ends, before any check runs.
  tree.bootCpuId = guessBootCpuIdOf(tree.root);
  compactTree(tree.root);
  setTreeIndex(tree, index);
  return tree;
}

/**
 * Applies the document in order, as dtc's parser actions do. Returns undefined if any parse-time
 * error occurred (all reported to `sink`, codes "lexical" / "semantic", or "include" for an
 * /incbin/ file that cannot be opened); value truncation is a "warning" diagnostic. The tree
 * returned holds no deleted items; `bootCpuId` is set to dtc's parse-time guess.
 */
export function buildTree(doc: DtsDocument, options: BuildOptions, sink: DiagnosticSink): DeviceTree | undefined {
  const problems = new BuildProblems(sink);
  const ctx: ValueContext = { problems, host: options.host, includeDirs: options.includeDirs, incbinBytes: 0, sharedValues: new SharedValues() };
  let tree: DeviceTree;
  try {
    tree = buildDocument(doc, ctx);
  } catch (e) {
    if (e instanceof BuildAborted) return undefined;
    throw e;
  }
  return problems.errors > 0 ? undefined : tree;
}
