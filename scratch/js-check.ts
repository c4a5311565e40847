import fc from "fast-check";
import { jsonChunks } from "/work/i10-cli/src/report/json-stream.ts";
const same = (v: unknown, sp: any) => { const a = JSON.stringify(v, null, sp); const b = [...jsonChunks(v, sp)].join(""); if ((a ?? "") !== b) { console.log("MISMATCH", sp, JSON.stringify(v)?.slice(0, 200), "\n", a?.slice(0,300), "\n", b.slice(0,300)); process.exit(1); } };
fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(0, 1, 2, 4, "\t", "ab", undefined), (v, sp) => { same(v, sp); }), { numRuns: 2000 });
// big shapes
const big = { a: Array.from({ length: 10000 }, (_, i) => ({ i, s: "x\n\"" + i, n: [i, [i]], u: undefined, f: () => 1 })), e: [], o: {}, nested: Array.from({ length: 5000 }, (_, i) => Array.from({ length: i % 3 ? 2 : 5000 }, (_, j) => j)), und: [undefined, () => 1, Symbol("x")] };
for (const sp of [0, 1, 2, "\t", undefined]) same(big, sp);
same(Array.from({ length: 9000 }, (_, i) => i % 2 ? undefined : { d: new Date(0) }), 2);
const cyc: any[] = Array.from({ length: 5000 }, () => 1); cyc.push(cyc);
try { [...jsonChunks({ x: cyc }, 2)]; console.log("no cycle error"); } catch (e) { console.log("cycle:", (e as Error).message); }
console.log("ok");
