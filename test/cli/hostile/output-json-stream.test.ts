// `report --format json` is streamed: jsonChunks(value, space) yields, in bounded chunks, exactly
// the text of JSON.stringify(value, null, space). Checked on every fixture and corpus report,
// on a report too large to pass as one string comfortably, and on random JSON values.
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonChunks } from "../../../src/report/json-stream.ts";
import { reportBoard } from "../../../src/report/index.ts";
import { DiagnosticSink, memoryFileHost } from "../../../src/source/index.ts";
import { hasShared, projectDir, sharedDir } from "../../helpers/shared.ts";
import { loadTree, runModel } from "../../kernel/support/run.ts";
import { manyDevicesBoard } from "./boards.ts";

const streamed = (v: unknown, space?: number | string) => [...jsonChunks(v, space)].join("");

describe("streamed JSON is JSON.stringify's text", () => {
  it("every fixture report, at the CLI's indentation (2) and the goldens' (1)", () => {
    const dir = `${projectDir}fixtures/kernel/`;
    const boards = readdirSync(dir).filter((f) => f.endsWith(".dts"));
    expect(boards.length).toBeGreaterThan(10);
    for (const f of boards) {
      for (const kernel of ["6.1", "6.15"]) {
        const { report } = runModel(loadTree(dir + f), { input: f, kernel });
        expect(streamed(report, 2), f).toBe(JSON.stringify(report, null, 2));
        expect(streamed(report, 1), f).toBe(JSON.stringify(report, null, 1));
      }
    }
  });

  it.skipIf(!hasShared)("every corpus board's report", () => {
    const boards = readdirSync(`${sharedDir}corpus/dev`).filter((f) => f.endsWith(".pre.dts"));
    for (const f of boards) {
      const { report } = runModel(loadTree(`${sharedDir}corpus/dev/${f}`), { input: f });
      const chunks = [...jsonChunks(report, 2)];
      expect(chunks.join(""), f).toBe(JSON.stringify(report, null, 2));
    }
  });

  it("an 8,000-device report comes in bounded chunks, none of them the whole text", () => {
    const sink = new DiagnosticSink();
    const text = manyDevicesBoard(8000);
    const report = reportBoard("big.dts", { cpp: false, host: memoryFileHost({ "big.dts": text }) }, sink)!;
    expect(report, sink.items.map((d) => d.message).join("\n")).toBeDefined();
    const chunks = [...jsonChunks(report, 2)];
    const whole = JSON.stringify(report, null, 2);
    expect(chunks.join("")).toBe(whole);
    expect(chunks.length).toBeGreaterThan(20);
    // Chunks of about 64 Ki characters; one batch of small elements may run past it.
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(whole.length / 10);
  });

  it("random JSON values, every indentation JSON.stringify knows", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom<number | string | undefined>(undefined, 0, 1, 2, 4, 11, -3, "\t", "--", "0123456789abc"), (v, space) => {
        expect(streamed(v, space)).toBe(JSON.stringify(v, null, space) ?? "");
      }),
      { numRuns: 500 },
    );
  });

  it("large arrays and objects with undefined, functions, symbols, toJSON and nested big arrays", () => {
    const big = {
      rows: Array.from({ length: 9000 }, (_, i) => ({ i, s: `line\n"${i}"\u2028`, u: undefined, f: () => i, d: new Date(i), nested: [i, [i]] })),
      holes: Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? () => i : Symbol("s"))),
      deep: Array.from({ length: 5000 }, (_, i) => Array.from({ length: i === 7 ? 6000 : 2 }, (_, j) => j)),
      empty: [],
      none: {},
      skipped: undefined,
    };
    for (const space of [undefined, 0, 2, "\t"]) expect(streamed(big, space)).toBe(JSON.stringify(big, null, space));
    expect(streamed(undefined)).toBe("");
  });

  it("a cycle is a TypeError, as in JSON.stringify", () => {
    const list: unknown[] = Array.from({ length: 5000 }, (_, i) => i);
    list.push({ back: list });
    expect(() => JSON.stringify({ list })).toThrow(TypeError);
    expect(() => streamed({ list }, 2)).toThrow(TypeError);
  });
});
