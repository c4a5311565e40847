import { findJsonSyntaxError } from "../src/graph/json-syntax.ts";
import fc from "fast-check";
const cases = ['{"a":1,}', '[1,2,]', '{"a" 1}', '{a:1}', "{'a':1}", '[01]', '[1x]', '"abc', '{"a":[1,2}', '', '  ', '[1] x', '{"a":tru}', '"\\q"', '[-]', '{"a":1}}', '[1.]', '[1e]', '"\u0001"', '{"version":1,"steps":[{"op":"unbind","device":"a"},]}'];
for (const c of cases) { let ok = true; try { JSON.parse(c); } catch { ok = false; } const e = findJsonSyntaxError(c); console.log(JSON.stringify(c), ok, e); if (ok !== (e === undefined)) throw new Error("disagree"); }
fc.assert(fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (j, k, ins) => {
  const t = j.slice(0, k % (j.length + 1)) + ins + j.slice(k % (j.length + 1));
  let ok = true; try { JSON.parse(t); } catch { ok = false; }
  const e = findJsonSyntaxError(t);
  if (ok !== (e === undefined)) throw new Error(`disagree on ${JSON.stringify(t)}: ${JSON.stringify(e)}`);
}), { numRuns: 20000 });
const deep = "[".repeat(100000) + "]".repeat(100000); console.log(findJsonSyntaxError(deep));
console.log("ok");
