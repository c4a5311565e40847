// parseAndBuildTree: the tree built while the document is parsed. The parser hands each node
// block to a BodyListener as it goes (grammar's parseDtsStreaming); this file makes the same
// fresh nodes buildFreshNode makes from an AST, in the same order, and applies each top-level
// statement as soon as it ends. The result, and every diagnostic, is what parseDts + buildTree
// give.
//
// Why: with a whole AST first, the document (a few objects per property) and the tree were alive
// together, and the young-generation collector copied both; on a large board garbage collection
// was most of the front end's time. Here each property's parse object dies at once.
//
// Order of diagnostics: parseDts reports its problems and builds nothing when the parse fails;
// buildTree's problems come after. So the build's problems are held back until the parse has
// succeeded, and dropped (with the tree) when it fails. A fatal build problem (BuildAborted)
// stops the building, not the parse: a later syntax error still wins, as it would have.
import type { BodyListener, DeleteNode, DeleteProperty, Header, Label, MemReserve, PropertyDef, TopLevelStatement } from "../../grammar/ast.ts";
import { parseDtsStreaming } from "../../grammar/index.ts";
import { DiagnosticSink, type SourceFile, type Span } from "../source/index.ts";
import { BuildAborted, BuildProblems } from "./build-problems.ts";
import { buildMemreserve, checkHeaders, DocumentBuilder, finishTree, type BuildOptions } from "./build.ts";
import { buildProperty, deletedPlaceholder, deletedPropertyPlaceholder } from "./fresh.ts";
import { addSourceLabels } from "./labels.ts";
import { DtNode, type DeviceTree, type MemReserveEntry } from "./model.ts";
import type { ValueContext } from "./values.ts";
import { SharedValues } from "./simple-values.ts";

class StreamingBuild implements BodyListener {
  /** Kept whole up to the caller's limit, and forwarded (with what it only counted) in finish(). */
  readonly held: DiagnosticSink;
  readonly problems: BuildProblems;
  private readonly ctx: ValueContext;
  /** Set by a fatal problem: the parse goes on, the building stops. */
  aborted = false;
  private plugin = false;
  private memreserves: MemReserveEntry[] = [];
  private builder: DocumentBuilder | undefined;
  tree: DeviceTree | undefined;
  /** Open blocks of the current statement, innermost last. */
  private readonly open: DtNode[] = [];
  /** The statement's top block once closed. */
  private top: DtNode | undefined;

  constructor(options: BuildOptions, limit: number) {
    this.held = new DiagnosticSink({ limit });
    this.problems = new BuildProblems(this.held);
    this.ctx = { problems: this.problems, host: options.host, includeDirs: options.includeDirs, incbinBytes: 0, sharedValues: new SharedValues() };
  }

  private stop(e: unknown): void {
    if (!(e instanceof BuildAborted)) throw e;
    this.aborted = true;
  }

  begin(headers: readonly Header[], memreserves: readonly MemReserve[]): void {
    if (this.aborted) return;
    try {
      this.plugin = checkHeaders(headers, this.problems);
      this.memreserves = memreserves.map((m) => buildMemreserve(m, this.ctx));
      this.builder = new DocumentBuilder(this.plugin, this.ctx);
    } catch (e) {
      this.stop(e);
    }
  }

  openTop(): void {
    // buildFreshNode("", body, [], false): unnamed, no labels, not omitted.
    this.open.push(new DtNode(""));
    this.top = undefined;
  }

  openChild(labels: readonly Label[], omitIfNoRef: boolean, name: string): void {
    const child = new DtNode(name);
    child.omitIfNoRef = omitIfNoRef;
    addSourceLabels(child, labels);
    this.open[this.open.length - 1]!.appendChild(child);
    this.open.push(child);
  }

  property(def: PropertyDef): void {
    if (this.aborted) return;
    try {
      this.open[this.open.length - 1]!.appendProperty(buildProperty(def, this.ctx));
    } catch (e) {
      this.stop(e);
    }
  }

  deleteProperty(def: DeleteProperty): void {
    this.open[this.open.length - 1]!.appendProperty(deletedPropertyPlaceholder(def));
  }

  deleteNode(def: DeleteNode): void {
    this.open[this.open.length - 1]!.appendChild(deletedPlaceholder(def));
  }

  close(bodySpan: Span): void {
    const node = this.open.pop()!;
    node.setFirstSpan(bodySpan);
    if (this.open.length === 0) this.top = node;
  }

  statement(st: TopLevelStatement): void {
    const built = st.kind === "root" || st.kind === "refNode" ? this.top : undefined;
    this.top = undefined;
    if (this.aborted) return;
    try {
      if (this.tree === undefined) this.tree = this.builder!.start(st, built);
      else this.builder!.apply(st, built);
    } catch (e) {
      this.stop(e);
    }
  }

  /** After a successful parse: the held problems go to `sink`; the finished tree, if no error. */
  finish(sink: DiagnosticSink): DeviceTree | undefined {
    sink.absorb(this.held);
    if (this.aborted || this.problems.errors > 0 || this.tree === undefined) return undefined;
    return finishTree(this.tree, this.plugin, this.memreserves, this.builder!.lookupIndex);
  }
}

/**
 * parseDts followed by buildTree, in one pass with no retained AST (see the file comment): the
 * same tree, the same diagnostics in the same order, undefined when either would fail.
 */
export function parseAndBuildTree(file: SourceFile, options: BuildOptions, sink: DiagnosticSink): DeviceTree | undefined {
  const build = new StreamingBuild(options, sink.limit);
  return parseDtsStreaming(file, options, sink, build) ? build.finish(sink) : undefined;
}
