// Runs one hostile input through the whole pipeline in-process and classifies the result: a clean
// success, a clean error (every error positioned), or a robustness failure (an exception escaped,
// or an error without a position).
import { compile, defaultCompileOptions } from "../../src/compile/index.ts";
import { DiagnosticSink, memoryFileHost } from "../../src/source/index.ts";

export type CaseVerdict =
  | { readonly kind: "ok" }
  | { readonly kind: "error" }
  | { readonly kind: "crash"; readonly detail: string }
  | { readonly kind: "unpositioned"; readonly detail: string };

export function runCase(name: string, input: Uint8Array, format: "dts" | "dtb"): CaseVerdict {
  const sink = new DiagnosticSink();
  try {
    const host = memoryFileHost({ [name]: input });
    const out = compile(name, { ...defaultCompileOptions, inputFormat: format, outputFormat: "dtb", host }, sink);
    if (out.ok) return { kind: "ok" };
  } catch (e) {
    const err = e as Error;
    return { kind: "crash", detail: `${err?.name}: ${err?.message}\n${err?.stack ?? ""}` };
  }
  const errors = sink.items.filter((d) => d.severity === "error");
  if (errors.length === 0) return { kind: "unpositioned", detail: "rejected without any error diagnostic" };
  const bad = errors.find((d) => d.span === undefined);
  if (bad) return { kind: "unpositioned", detail: `${bad.code}: ${bad.message}` };
  return { kind: "error" };
}
