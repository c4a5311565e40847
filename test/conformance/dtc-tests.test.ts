// dtc's own test inputs: the same accept/reject as dtc 1.8.1, blobs byte-identical to dtc's where
// both dtc versions agree, and rejected inputs reported at dtc's file and line.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile/index.ts";
import { DiagnosticSink, rootedFileHost } from "../../src/source/index.ts";
import { parseCompileArgs } from "../../src/cli/compile-command.ts";
import { dtcErrorPosition, hasShared, readManifest, sharedDir } from "../helpers/shared.ts";
import { knownExceptions } from "./known-exceptions.ts";

const rows = hasShared ? readManifest() : [];
const inputs = sharedDir + "dtc-tests/inputs/";

function run(row: (typeof rows)[number]) {
  const args = parseCompileArgs([...row.flags, row.file]);
  const sink = new DiagnosticSink();
  const outcome = compile(args.input, { ...args.options, host: rootedFileHost(inputs) }, sink);
  return { outcome, sink };
}

describe.skipIf(!hasShared)("dtc-tests MANIFEST (dtc 1.8.1 verdicts)", () => {
  for (const row of rows) {
    const exception = knownExceptions.get(row.id);
    it.skipIf(exception !== undefined)(`${row.id}: ${row.accepted ? "accepted" : "rejected"}`, () => {
      const { outcome, sink } = run(row);
      const firstError = sink.items.find((d) => d.severity === "error");
      if (row.accepted) {
        expect(outcome.ok, firstError ? `unexpected error: ${firstError.message}` : "rejected").toBe(true);
        if (outcome.ok && row.dtbComparable) {
          const expected = readFileSync(`${sharedDir}dtc-tests/results/${row.id}.dtb`);
          expect(Buffer.from(outcome.output).equals(expected), "blob differs from dtc's").toBe(true);
        }
        return;
      }
      expect(outcome.ok).toBe(false);
      expect(firstError).toBeDefined();
      const where = dtcErrorPosition(row.errorFirstLine);
      if (where) {
        const pos = firstError!.span?.file.positionAt(firstError!.span.start);
        expect(pos && `${pos.file}:${pos.line}`, `${firstError!.message} vs dtc: ${row.errorFirstLine}`).toBe(`${where.file}:${where.line}`);
      } else {
        // dtc reports no position (FATAL ERROR: Couldn't open "x"): the same file must be named.
        const m = /"([^"]+)"/.exec(row.errorFirstLine);
        if (m) expect(firstError!.message).toContain(m[1]);
      }
    });
  }
});
