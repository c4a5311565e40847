// Small sources covering the tree builder's features and dtc's quirks, each compiled by the
// installed dtc and by parse -> buildTree -> checks -> writeDtb: the blobs must be identical, and
// inputs dtc rejects (rc 1 or 2) must be rejected too. Only behaviour that dtc 1.6.1 and 1.8.1
// share is used here (no truncation, no label-relative paths).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDtb } from "../../src/fdt/index.ts";
import { DiagnosticSink, memoryFileHost } from "../../src/source/index.ts";
import { guessBootCpuId } from "../../src/tree/index.ts";
import { finish, optionsFromFlags, parseAndBuild } from "./dts.ts";

const hasDtc = spawnSync("dtc", ["--version"], { stdio: "ignore" }).status === 0;

const V1 = "/dts-v1/;\n";
const snippets: { name: string; flags?: string[]; src: string }[] = [
  { name: "merge order", src: V1 + "/ { a = <1>; b = <2>; l1: c = <3>; x: n1 { p = <1>; }; n2 { }; };\n/ { l2: a = <10>; d = <4>; /delete-property/ b; y: n1 { q = <2>; }; n3 { }; };\n/ { b = <20>; /delete-node/ n2; };\n/ { n2 { r = <1>; }; z: w: n1 { }; };\n" },
  { name: "labels everywhere", flags: ["-@"], src: V1 + "m1: m2: /memreserve/ 0x1000 0x10;\n/ { l1: l2: p = v1: <1 v2: 2 v3:> v4:, \"s\" v5:; q = [b1: 00 b2: 01 b3:]; a: b: n { }; };\n&a { c: d: m { }; };\nf: &{/n} { };\n" },
  { name: "phandle order", flags: ["-H", "both"], src: V1 + "/ { r1 = <&c &a>; a: a { x; }; b: b { phandle = <2>; }; c: c { r2 = <&b &a &{/d}>; }; d { }; self: e { phandle = <&self>; }; };\n" },
  { name: "phandle legacy", flags: ["-H", "legacy"], src: V1 + "/ { r = <&a &b>; a: a { linux,phandle = <5>; }; b: b { }; };\n" },
  { name: "path refs", src: V1 + "/ { rref = &{/}; multi = &n1, \"x\", &n2; n1: node1 { ref = &{/node2}; l = s: &n2 e:; }; n2: node2 { }; };\n" },
  { name: "bits", src: V1 + "/ { a = /bits/ 8 <1 0xff 'x'>; b = /bits/ 16 <0x1234 5>; c = /bits/ 64 <0x123456789abcdef0 (-1)>; d = /bits/ 32 <7>, /bits/ 8 <(-1)>; e = /bits/ 8 <(-128)>; };\n" },
  { name: "expressions", src: V1 + "/ { e = <(1 + 2 * 3) (1 << 64) (1 << 63 >> 63) (5 % 3) (!0) (~0) (3 > 2 ? 10 : 20) (0 || 0) (1 && 2) (6 & 3 | 8 ^ 1) (1 == 1) (2 != 2) (2 <= 1) (2 >= 2)>; f = /bits/ 64 <((-6) / 4) (~0 >> 1)>; };\n" },
  { name: "literals", src: V1 + "/ { a = <010000 0726746425 0x10UL 10U 10LL 0X1f 'a' '\\n' '\\x41' '\\101' '\\0'>; };\n" },
  { name: "strings", src: V1 + "/ { a = \"a\\0b\", \"\\x41\\101\\q\\\\\\\"\"; b = \"\"; c = \"x\\x4\"; d = \"\\777\\400\"; };\n" },
  { name: "bytes and empty", src: V1 + "/ { a = [0a0B 0c]; b = []; c; d = <>; e = \"abc\", [1234], <0xa>; };\n" },
  { name: "memreserve", src: V1 + "/memreserve/ 0x1000 0x100;\n/memreserve/ (0x2000 + 0x10) ((1 << 12) - 1);\n/memreserve/ 'a' 0x10;\n/ { };\n" },
  { name: "delete by label and path", src: V1 + "/ { a: n1 { b: c { }; }; n2 { }; x = <1>; };\n/delete-node/ &a;\n/delete-node/ &{/n2};\n/ { n1 { }; };\n" },
  { name: "delete then reference", src: V1 + "/ { a: n1 { }; r = <&a>; };\n/delete-node/ &a;\n" },
  { name: "reuse deleted label", src: V1 + "/ { a: n1 { }; r = <&a>; };\n/delete-node/ &a;\n/ { a: n2 { }; };\n" },
  { name: "reinstate position", src: V1 + "/ { a: n1 { p = <1>; k { }; }; n2 { }; };\n/delete-node/ &{/n1};\n/ { n3 { }; n1 { q; }; };\n" },
  { name: "reinstate property", src: V1 + "/ { l: a = <1>; b = <2>; };\n/ { /delete-property/ a; };\n/ { c; a = <3>; };\n" },
  { name: "same-block delete property", src: V1 + "/ { a = <1>; /delete-property/ a; };\n" },
  { name: "same-block delete node", src: V1 + "/ { n { }; /delete-node/ n; };\n" },
  { name: "delete marker revived with label", src: V1 + "/ { m: /delete-property/ p; l: /delete-node/ n; };\n/ { p = <1>; r = <&l>; n { }; };\n" },
  { name: "delete marker found first", src: V1 + "/ { /delete-node/ n; n { a; }; };\n/ { /delete-node/ n; };\n" },
  { name: "omit-if-no-ref", src: V1 + "/ { r = <&a>; s = &d; /omit-if-no-ref/ a: a { }; b: /omit-if-no-ref/ b { }; c: c { x = <1>; }; d: d { q { }; }; e: e { }; f { }; };\n/omit-if-no-ref/ &c;\n/omit-if-no-ref/ &{/d};\n/omit-if-no-ref/ &e;\n/ { /omit-if-no-ref/ f { }; };\n" },
  { name: "omit-if-no-ref -@", flags: ["-@"], src: V1 + "/ { r = <&a>; /omit-if-no-ref/ a: a { }; /omit-if-no-ref/ b: b { }; /omit-if-no-ref/ c { }; };\n" },
  { name: "omitted phandle reused by -@", flags: ["-@"], src: V1 + "/ { /omit-if-no-ref/ o { phandle = <1>; }; l: n { }; };\n" },
  { name: "plugin", src: V1 + "/plugin/;\n&ext1 { a = <&loc 1>; loc: sub { b = <&ext2>; }; };\n&{/some/path} { c = <&ext1>; };\n/ { d = <&loc>; };\n&ext1 { e; };\n&loc { f = <&loc>; };\n" },
  { name: "plugin -@", flags: ["-@"], src: V1 + "/plugin/;\n&ext1 { loc: sub { b = <&ext2>; }; };\n/ { d = <&loc>; };\n" },
  { name: "plugin first ref", src: V1 + "/plugin/;\n&t { x = <1>; };\n" },
  { name: "-A aliases", flags: ["-A"], src: V1 + "/ { aliases { x = \"/a\"; }; x: a { b: b { }; }; c: c { }; };\n" },
  { name: "-A -@", flags: ["-A", "-@"], src: V1 + "/ { x: a { b: b { }; }; c: c { }; };\n" },
  { name: "sort", flags: ["-s"], src: V1 + "/memreserve/ 0x2000 0x10;\n/memreserve/ 0x1000 0x20;\n/ { b; B; a; z { y; x; }; a@2 { }; a@10 { }; };\n" },
  { name: "boot cpu", src: V1 + "/ { cpus { #address-cells = <1>; #size-cells = <0>; cpu@11 { reg = <0x11>; }; cpu@12 { reg = <0x12>; }; }; };\n" },
  { name: "boot cpu deleted first", src: V1 + "/ { cpus { #address-cells = <1>; #size-cells = <0>; cpu@1 { reg = <1>; }; cpu@2 { reg = <2>; }; }; };\n/ { cpus { /delete-node/ cpu@1; }; };\n" },
  { name: "name property dropped", src: V1 + "/ { n { name = \"n\"; a; }; };\n" },
  { name: "label merge", src: V1 + "/ { l: n { }; };\nm: &l { a; };\nk: &{/n} { b; };\n" },
  { name: "root label via ref", src: V1 + "/ { };\nr: &{/} { a = &r; };\n" },
  { name: "unit address paths", src: V1 + "/ { n@1 { }; n { }; p = &{/n@1}, &{/n}; };\n" },
  { name: "duplicate labels resolve first", flags: ["-f"], src: V1 + "/ { a: n1 { }; a: n2 { }; r = <&a>; };\n" },
  { name: "duplicate names forced", flags: ["-f"], src: V1 + "/ { p = <1>; p = <2>; n { }; n { }; };\n" },
  // Rejected inputs.
  { name: "unknown merge target", src: V1 + "/ { };\n&nope { };\n" },
  { name: "first ref not plugin", src: V1 + "&nope { };\n/ { };\n" },
  { name: "unknown delete target", src: V1 + "/ { };\n/delete-node/ &nope;\n" },
  { name: "division by zero", src: V1 + "/ { a = <(1 / 0)>; b = <(0 && (1 % 0))>; };\n" },
  { name: "bad bits", src: V1 + "/ { a = /bits/ 7 <1>; };\n" },
  { name: "ref in bits16", src: V1 + "/ { n: n { }; a = /bits/ 16 <&n>; };\n" },
  { name: "bad octal", src: V1 + "/ { a = <09>; };\n" },
  { name: "empty char", src: V1 + "/ { a = <''>; };\n" },
  { name: "long char", src: V1 + "/ { a = <'ab'>; };\n" },
  { name: "bad hex escape", src: V1 + "/ { a = \"\\xg\"; };\n" },
  { name: "header mismatch", src: V1 + "/plugin/;\n" + V1 + "/ { };\n" },
  { name: "unresolved phandle", src: V1 + "/ { a = <&nope>; };\n" },
  { name: "unresolved path", src: V1 + "/ { a = &nope; };\n" },
  { name: "plugin unresolved path", src: V1 + "/plugin/;\n/ { a = &nope; };\n" },
  { name: "phandle to other", src: V1 + "/ { o: o { }; n { phandle = <&o>; }; };\n" },
  { name: "duplicate phandle", src: V1 + "/ { a { phandle = <1>; }; b { phandle = <1>; }; };\n" },
];

describe.skipIf(!hasDtc)("snippets compiled by dtc and by the tree builder", () => {
  const tmp = mkdtempSync(join(tmpdir(), "dtprobe-snippets-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const [i, s] of snippets.entries()) {
    it(s.name, () => {
      const file = join(tmp, `s${i}.dts`);
      const out = join(tmp, `s${i}.dtb`);
      writeFileSync(file, s.src, "latin1");
      const flags = s.flags ?? [];
      const dtc = spawnSync("dtc", ["-q", "-I", "dts", "-O", "dtb", ...flags, "-o", out, file]);
      const opts = optionsFromFlags(flags);
      const sink = new DiagnosticSink();
      const { tree } = parseAndBuild(file, s.src, { ...opts, host: memoryFileHost({}) }, sink);
      let accepted = tree !== undefined;
      let blob: Uint8Array | undefined;
      if (tree) {
        const { errors } = finish(tree, opts, sink);
        if (sink.items.some((d) => d.severity === "error" && !d.code.includes("_"))) accepted = false; // fixups errors
        if (errors && !opts.force) accepted = false;
        if (accepted) blob = writeDtb(tree, { bootCpuId: guessBootCpuId(tree) });
      }
      expect(accepted, sink.items.map((d) => d.message).join(" | ")).toBe(dtc.status === 0);
      if (blob) expect(Buffer.from(blob).toString("hex")).toBe(readFileSync(out).toString("hex"));
    });
  }
});
