// Round trips against dtc's own outputs: every blob dtc wrote for the conformance set, the QEMU
// blobs (padded to 1 MiB), and blobs compiled from the real boards must read back and be written
// again byte for byte, and print as `dtc -I dtb -O dts` (the installed 1.6.1) prints them.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDtb, writeDts } from "../../src/fdt/index.ts";
import { HAS_DTC, HAS_SHARED, SHARED, dtc, readOk } from "./helpers.ts";

// Checks cannot change dtb -> dts output; -f and -Wno-graph_nodes keep dtc 1.6.1 from refusing
// (or crashing on) the negative tests' blobs.
const DTC_READ = ["-q", "-f", "-Wno-graph_nodes", "-I", "dtb"];

function acceptedRows(): string[] {
  const lines = readFileSync(join(SHARED, "dtc-tests/MANIFEST.tsv"), "latin1").trim().split("\n");
  const header = lines[0]!.split("\t");
  const id = header.indexOf("id");
  const accepted = header.indexOf("accepted");
  return lines.slice(1).map((l) => l.split("\t")).filter((c) => c[accepted] === "1").map((c) => c[id]!);
}

function checkBlob(path: string, expectSameBytes: boolean): void {
  const bytes = readFileSync(path);
  const tree = readOk(bytes, path);
  const out = writeDtb(tree, { bootCpuId: tree.bootCpuId ?? 0 });
  if (expectSameBytes) expect(Buffer.from(out).equals(bytes)).toBe(true);
  if (!HAS_DTC) return;
  if (!expectSameBytes) expect(Buffer.from(out).equals(dtc([...DTC_READ, "-O", "dtb", path]))).toBe(true);
  expect(writeDts(tree, { dialect: "1.6.1" })).toBe(dtc([...DTC_READ, "-O", "dts", path]).toString("latin1"));
  expect(writeDts(tree, { dialect: "1.6.1", sortedLike: true })).toBe(dtc([...DTC_READ, "-s", "-O", "dts", path]).toString("latin1"));
}

describe.skipIf(!HAS_SHARED)("dtc-tests blobs", () => {
  const ids = HAS_SHARED ? acceptedRows() : [];
  it("covers the accepted rows", () => {
    expect(ids.length).toBeGreaterThan(150);
  });
  it.each(ids)("%s: read, write back identical, print as dtc", (id) => {
    checkBlob(join(SHARED, "dtc-tests/results", `${id}.dtb`), true);
  });
});

describe.skipIf(!HAS_SHARED)("QEMU virt blobs (padded to 1 MiB)", () => {
  const dirs = HAS_SHARED ? readdirSync(join(SHARED, "qemu"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  it.each(dirs)("%s: reads within totalsize and writes as dtc -I dtb -O dtb", (d) => {
    const path = join(SHARED, "qemu", d, "virt.dtb");
    const bytes = readFileSync(path);
    const tree = readOk(bytes, path);
    expect(tree.root.child("pcie@10000000")).toBeDefined();
    checkBlob(path, false);
  });
});

describe.skipIf(!HAS_SHARED || !HAS_DTC)("real boards compiled by dtc", () => {
  const dir = HAS_SHARED && HAS_DTC ? mkdtempSync(join(tmpdir(), "dtprobe-fdt-")) : "";
  const boards = HAS_SHARED ? readdirSync(join(SHARED, "corpus/dev")).filter((f) => f.endsWith(".pre.dts")) : [];
  beforeAll(() => {
    for (const b of boards) dtc(["-q", "-I", "dts", "-O", "dtb", "-o", join(dir, b.replace(/\.pre\.dts$/, ".dtb")), join(SHARED, "corpus/dev", b)]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it.each(boards)("%s", (b) => {
    checkBlob(join(dir, b.replace(/\.pre\.dts$/, ".dtb")), true);
  });
});
