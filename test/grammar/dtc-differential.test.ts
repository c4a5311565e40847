// Differential test against the installed dtc: for the curated error cases and for a fixed set of
// randomly mutated inputs, dtc and this parser must agree on whether the front end rejects the
// input, and on the file:line.column where it stops. Skipped when dtc is not installed.
//
// Differences between dtc versions that are allowed here (dtc 1.8.1 is the reference):
//  - a bare identifier in V1 state: dtc < 1.7 says `syntax error`, dtc >= 1.7 and this parser
//    `Unexpected 'X'` (a lexical error), at the same place;
//  - inputs with `&{` not followed by `/` are skipped (label-relative paths are dtc >= 1.7.1).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ERROR_CASES } from "./error-cases.ts";
import { HAVE_DTC, HAVE_SHARED, parse, SHARED_DIR } from "./helpers.ts";

// (File names can hold newlines: a line marker's name is a string, which may span lines; so
// stderr is first split into messages, continuation lines joined back.)
const FRONT_END = /^(?:Error|Lexical error): ([\s\S]*):(-?\d+)\.(\d+)\S* (syntax error|Properties must precede subnodes|Bad integer literal.*|Integer literal.*|Empty character literal|Character literal has.*|nul in line number directive|Unexpected.*)$/;
const FATAL = /^FATAL ERROR: (Couldn't open "[\s\S]*": No such file or directory|\\x used with no following hex digits|Includes nested too deeply)$/;
const MESSAGE_START = /^(?:Error: |Lexical error: |FATAL ERROR: |ERROR: |Warning: |WARNING: |\S[^\n]*: (?:Warning|ERROR) \()/;

function messages(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split("\n")) {
    if (out.length === 0 || MESSAGE_START.test(line)) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

const dir = HAVE_DTC ? mkdtempSync(join(tmpdir(), "dtprobe-grammar-")) : "";
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** dtc's front-end verdict: `accept`, `L.C` (with `file:` when not the input), or `FATAL message`. */
function dtcVerdict(text: string): string {
  writeFileSync(join(dir, "x.dts"), Buffer.from(text, "latin1"));
  const r = spawnSync("dtc", ["-I", "dts", "-O", "dtb", "-o", "/dev/null", "x.dts"], { cwd: dir, encoding: "latin1", timeout: 10_000 });
  for (const message of messages(r.stderr)) {
    const m = FRONT_END.exec(message.trimEnd());
    if (m) return `${m[1] === "x.dts" ? "" : `${m[1]}:`}${m[2]}.${m[3]}`;
    const f = FATAL.exec(message.trimEnd());
    if (f) return `FATAL ${f[1]}`;
  }
  return "accept";
}

function ourVerdict(text: string): string {
  const r = parse(text, {}, { name: "x.dts" });
  if (r.doc) return r.diagnostics.length === 0 ? "accept" : `accepted with ${r.messages.join("; ")}`;
  const d = r.diagnostics[0]!;
  if (d.code === "include" || d.message.startsWith("\\x used")) return `FATAL ${d.message}`;
  const p = d.span!.file.positionAt(d.span!.start);
  return `${p.file === "x.dts" ? "" : `${p.file}:`}${p.line}.${p.column}`;
}

function comparable(text: string): boolean {
  return !/&\{[^/]/.test(text);
}

/** How many mutated inputs to compare (more for a manual run: DTPROBE_GRAMMAR_FUZZ=5000). */
const wanted = Number(process.env.DTPROBE_GRAMMAR_FUZZ ?? 100);

describe.skipIf(!HAVE_DTC)("agreement with the installed dtc", () => {
  it.each(ERROR_CASES.filter(([, text]) => comparable(text)))("%s", (_name, text) => {
    expect(ourVerdict(text)).toBe(dtcVerdict(text));
  });

  it("agrees on mutated inputs (100, or DTPROBE_GRAMMAR_FUZZ)", () => {
    // Deterministic mutations (delete, insert a fragment, duplicate a slice, truncate) of dtc's
    // test inputs and of small samples.
    let seed = 20_260_523;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)]!;
    const samples = [
      '/dts-v1/;\n/ {\n\ta = <1 2 (3 + 4) &l>, "s", [00 11];\n\tl: n@1 { b; };\n};\n&l { c = <(1 ? 2 : 3)>; };\n/delete-node/ &l;\n',
      "/dts-v1/;\n/plugin/;\n/memreserve/ 1 2;\nm: /memreserve/ (3) 'a';\n/ { x = /bits/ 16 <1 2>; /delete-property/ y; /omit-if-no-ref/ q: z {}; /delete-node/ w; };\n",
      '/dts-v1/;\n# 5 "a.dtsi" 1\n/ {\n\tp = <0x10 (-1) (~0 >> 60) \'\\n\'>;\n# 9 "b.dtsi"\n\tq = "x\\"y", &{/};\n};\n',
    ];
    if (HAVE_SHARED) {
      const inputs = join(SHARED_DIR, "dtc-tests", "inputs");
      for (const f of readdirSync(inputs)) {
        if (!f.endsWith(".dts") || /include|search|deps|dependencies|incbin/.test(f)) continue;
        const text = readFileSync(join(inputs, f)).toString("latin1");
        if (comparable(text)) samples.push(text);
      }
    }
    const fragments = [";", "{", "}", "=", "<", ">", "[", "]", "(", ")", ",", "/", "&", "&l", "l:", "n", "0x1", "1", "'a'", '"s"', "/dts-v1/", "/plugin/", "/memreserve/", "/bits/", "/delete-node/", "/delete-property/", "/omit-if-no-ref/", "/incbin/", " ", "\n", "//c\n", "/*c*/", "-", "?", ":", "#", "@", "\\", "+", "~", "!", "==", "<<", "&{/}", "&{/n}", "ab", "0a", "09", "''", "'ab'", '"\\x"', "'\\\\'", "/*", "//", '"', "'", '\n# 3 "a.dts"\n', '\n#line 7 "b.dts" 1\n'];
    const mutate = (t: string): string => {
      const mode = random();
      if (mode < 0.2) return t.slice(0, Math.floor(random() * t.length));
      const n = 1 + Math.floor(random() * 3);
      for (let k = 0; k < n; k++) {
        const p = Math.floor(random() * (t.length + 1));
        const op = random();
        if (op < 0.4) t = t.slice(0, p) + t.slice(p + 1 + Math.floor(random() * 4));
        else if (op < 0.8) t = t.slice(0, p) + pick(fragments) + t.slice(p);
        else {
          const q = Math.floor(random() * (t.length + 1));
          t = t.slice(0, p) + t.slice(q, q + Math.floor(random() * 10)) + t.slice(p);
        }
      }
      return t;
    };
    const disagreements: string[] = [];
    let compared = 0;
    while (compared < wanted) {
      const text = mutate(pick(samples));
      if (text === "" || !comparable(text)) continue; // dtc reports an empty file at 0.0
      compared++;
      const ours = ourVerdict(text);
      const theirs = dtcVerdict(text);
      if (ours !== theirs) disagreements.push(`${JSON.stringify(text.slice(0, 300))}: dtc ${theirs}, ours ${ours}`);
    }
    expect(disagreements).toEqual([]);
  }, Math.max(60_000, wanted * 100));
});
