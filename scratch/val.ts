import Ajv2020 from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import { reportSchema } from "../src/report/index.ts";
const v = new Ajv2020.default({ allErrors: true, strict: false }).compile(reportSchema);
const r = JSON.parse(readFileSync(process.argv[2]!, "utf8"));
console.log(v(r), JSON.stringify(v.errors)?.slice(0, 300), r.summary, r.diagnostics.map((d: any) => d.code));
