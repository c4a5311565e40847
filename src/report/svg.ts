// DOT -> SVG in this process, with Graphviz compiled to WebAssembly (@viz-js/viz): no system
// Graphviz, nothing fetched. The module (~1.5 MB of inlined wasm) is loaded on first use only,
// so text and JSON reports never pay for it.
import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

async function graphviz(): Promise<Viz> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  return viz;
}

/** Graphviz refused the DOT (a bug in the writer, or hand-made input): its messages. */
export class DotRenderError extends Error {
  override name = "DotRenderError";
  constructor(readonly messages: readonly string[]) {
    super(`Graphviz could not lay out the picture: ${messages.join("; ")}`);
  }
}

export interface RenderedSvg {
  readonly svg: string;
  /** Graphviz's warnings (layout still done). */
  readonly warnings: readonly string[];
}

/** Lays out DOT with `dot` and returns the SVG document. */
export async function renderDotToSvg(dot: string): Promise<RenderedSvg> {
  const r = (await graphviz()).render(dot, { format: "svg", engine: "dot" });
  const errors = r.errors.filter((e) => e.level === "error").map((e) => e.message.trim());
  const warnings = r.errors.filter((e) => e.level !== "error").map((e) => e.message.trim());
  if (r.status !== "success" || errors.length > 0) throw new DotRenderError(errors.length > 0 ? errors : ["no output"]);
  return { svg: r.output, warnings };
}

/** Graphviz's version (for the page's "made with" line and the docs). */
export async function graphvizVersion(): Promise<string> {
  return (await graphviz()).graphvizVersion;
}
