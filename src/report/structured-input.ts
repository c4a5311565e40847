// JSON or YAML side files (scenarios, board options), validated by a JSON Schema with ajv: every
// problem is a diagnostic at the line and column of the value it concerns. YAML goes through the
// `yaml` package (./yaml-input.ts); JSON positions come from the graph layer's pointer scanner.
import type { ValidateFunction, ErrorObject } from "ajv/dist/2020.js";
import { jsonValueOffsets } from "../graph/index.ts";
import { SourceFile, span, type DiagnosticSink, type Span } from "../source/index.ts";
import { parseYamlInput } from "./yaml-input.ts";

export interface StructuredInput {
  readonly format: "json" | "yaml";
  readonly value: unknown;
  /** The span of the value at a JSON pointer ("" = the whole document), when it exists. */
  at(pointer: string): Span | undefined;
  readonly file: SourceFile;
}

/** `.yaml` / `.yml` are YAML, anything else JSON. */
export function isYamlName(fileName: string): boolean {
  return /\.ya?ml$/i.test(fileName);
}

/**
 * Parses `text` and validates it. `stringFields`: top-level fields that are strings in the schema
 * but that YAML may read as numbers (`kernel: 6.10`); they are taken as written.
 */
export function parseStructuredInput(text: string, fileName: string, validate: ValidateFunction, code: string, sink: DiagnosticSink, stringFields: readonly string[] = []): StructuredInput | undefined {
  const file = new SourceFile(fileName, text);
  const format = isYamlName(fileName) ? "yaml" : "json";
  let value: unknown;
  let offsets: ReadonlyMap<string, { start: number; end: number }>;
  if (format === "yaml") {
    const y = parseYamlInput(text, fileName, code, sink);
    if (!y) return undefined;
    value = y.value;
    offsets = y.offsets;
    if (value !== null && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      for (const f of stringFields) if (typeof obj[f] === "number" && y.sources.has(`/${f}`)) obj[f] = y.sources.get(`/${f}`);
    }
  } else {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const at = Number(/position (\d+)/.exec(String((e as Error).message))?.[1] ?? 0);
      sink.error(code, `invalid JSON: ${(e as Error).message}`, span(file, at, at + 1));
      return undefined;
    }
    offsets = jsonValueOffsets(text);
  }
  const at = (pointer: string): Span | undefined => {
    const o = offsets.get(pointer);
    return o ? span(file, o.start, Math.max(o.end, o.start + 1)) : undefined;
  };
  if (!validate(value)) {
    for (const err of (validate.errors ?? []) as ErrorObject[]) {
      if (err.keyword === "if") continue; // the failing `then` says why
      const extra = err.keyword === "additionalProperties" ? ` '${String((err.params as { additionalProperty?: string }).additionalProperty)}'` : "";
      sink.error(code, `${err.instancePath === "" ? "(root)" : err.instancePath}: ${err.message ?? "invalid"}${extra}`, at(err.instancePath) ?? span(file, 0, 1));
    }
    return undefined;
  }
  return { format, value, at, file };
}
