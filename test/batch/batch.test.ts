// `dtprobe batch`: discovery (directories, globs), one row per board (a board that cannot be
// loaded is a row, not a crash), the summary and JSON Lines, the progress output, worker threads
// and the exit status.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BoardShares, boardJobCache, discoverBoards, dtbPathFor, Progress, renderBatchJsonl, renderBatchText, runBoardJob, runBoards, type BoardCounts, type BoardRow } from "../../src/batch/index.ts";
import { runBatchCommand } from "../../src/cli/batch-command.ts";
import { compile, defaultCompileOptions } from "../../src/compile/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { dtprobe, runInProcess, schemaValidator } from "../helpers/answers.ts";
import { projectDir } from "../helpers/shared.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-batch-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const validate = schemaValidator("batch-row");

const kernelFixture = (name: string) => readFileSync(`${projectDir}fixtures/kernel/${name}.dts`, "latin1");

/** A small tree: two good boards in subdirectories, one broken, a header, a symlink loop. */
const tree = join(work, "tree");
mkdirSync(join(tree, "vendor-a"), { recursive: true });
mkdirSync(join(tree, "vendor-b", "deep"), { recursive: true });
mkdirSync(join(tree, "include"), { recursive: true });
writeFileSync(join(tree, "include", "ids.h"), "#define SID_SATA 14\n");
writeFileSync(join(tree, "vendor-a", "tegra.dts"), kernelFixture("tegra30-like").replace("iommus = <&mc 14>;", "iommus = <&mc SID_SATA>;").replace("/dts-v1/;", '/dts-v1/;\n#include "ids.h"'));
writeFileSync(join(tree, "vendor-b", "deep", "smmu.dts"), kernelFixture("family-arm-smmu"));
writeFileSync(join(tree, "vendor-b", "broken.dts"), "/dts-v1/;\n/ {\n\tp = <1 2;\n};\n");
writeFileSync(join(tree, "vendor-b", "notes.txt"), "not a board\n");
symlinkSync("..", join(tree, "vendor-b", "loop"));

describe("discovering boards", () => {
  it("directories recursively (sorted, symlinked directories not followed), files as named, globs", () => {
    const all = discoverBoards([tree]);
    expect(all.boards.map((b) => b.slice(tree.length + 1))).toEqual(["vendor-a/tegra.dts", "vendor-b/broken.dts", "vendor-b/deep/smmu.dts"]);
    expect(discoverBoards([join(tree, "vendor-*/*.dts")]).boards.map((b) => b.slice(tree.length + 1))).toEqual(["vendor-a/tegra.dts", "vendor-b/broken.dts"]);
    expect(discoverBoards([join(tree, "**/s?mu.dts")]).boards.map((b) => b.slice(tree.length + 1))).toEqual(["vendor-b/deep/smmu.dts"]);
    expect(discoverBoards([join(tree, "vendor-[ab]/t*.dts")]).boards.length).toBe(1);
    // Every board once, in argument order; what matches nothing is reported.
    const mixed = discoverBoards([join(tree, "vendor-b/broken.dts"), tree, join(tree, "nothing-*.dts"), join(tree, "absent")]);
    expect(mixed.boards[0]).toBe(join(tree, "vendor-b/broken.dts"));
    expect(mixed.boards.length).toBe(3);
    expect(mixed.unmatched).toEqual([join(tree, "nothing-*.dts"), join(tree, "absent")]);
  });
});

describe("one board, one row", () => {
  const options = { load: { cpp: true, includeDirs: [join(tree, "include")], defines: [{ name: "__DTS__" }] }, run: { driverTables: { assume: true } } };

  it("counts the report's facts", () => {
    const row = runBoardJob(join(tree, "vendor-a", "tegra.dts"), options, boardJobCache(options.load));
    expect(row).toMatchObject({ status: "ok", devices: 10, iommuUsers: 8, instances: 1, groups: 5, failed: 0, deferred: 0, finding: "error" });
    expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
  });

  it("a board that cannot be loaded is a row with the first error", () => {
    const row = runBoardJob(join(tree, "vendor-b", "broken.dts"), options, boardJobCache(options.load));
    expect(row.status).toBe("load-error");
    expect(row.message).toMatch(/broken\.dts:3:\d+: error: syntax error/);
    expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
  });

  it("--dtb-dir writes the blob dtc -b 0 writes", () => {
    const out = join(work, "dtbs");
    const board = join(tree, "vendor-b", "deep", "smmu.dts");
    runBoardJob(board, { ...options, dtbDir: out }, boardJobCache(options.load));
    const sink = new DiagnosticSink();
    const ref = compile(board, { ...defaultCompileOptions, cpp: true, includeDirs: options.load.includeDirs, defines: options.load.defines, bootCpu: 0 }, sink);
    expect(ref.ok).toBe(true);
    expect(Buffer.compare(readFileSync(dtbPathFor(out, board)), Buffer.from(ref.ok ? ref.output : []))).toBe(0);
    expect(dtbPathFor("/out", "../x/../../y/b.dts")).toBe("/out/y/b.dtb");
  });

  it("runs inline, in board order", async () => {
    const boards = discoverBoards([tree]).boards;
    const seen: number[] = [];
    const rows = await runBoards(boards, { load: options.load, run: { driverTables: { assume: true } }, sideFiles: {} }, { jobs: 1, inline: true, onRow: (_r, done) => seen.push(done) });
    expect(rows.map((r) => r.board)).toEqual(boards);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe("handing boards to workers", () => {
  it("each worker runs through its own contiguous share, then takes the back half of the largest left; every board once", () => {
    const shares = new BoardShares(100, 2);
    const first = shares.take(0);
    const second = shares.take(1);
    expect(first[0]).toBe(0);
    expect(second[0]).toBe(50);
    const seen = [...first, ...second];
    // Worker 0 runs fast: it finishes its share, then steals from the back of worker 1's.
    let run = shares.take(0);
    const runs0: number[][] = [];
    while (run.length > 0 && run[0]! < 50) {
      runs0.push(run);
      run = shares.take(0);
    }
    const stolen = run;
    expect(runs0.flat().at(-1)).toBe(49);
    expect(stolen[0]).toBeGreaterThan(second.at(-1)!);
    expect(stolen[0]).toBe(100 - Math.ceil((100 - second.at(-1)! - 1) / 2));
    seen.push(...runs0.flat(), ...stolen);
    for (let r = shares.take(1); r.length > 0; r = shares.take(1)) seen.push(...r);
    for (let r = shares.take(0); r.length > 0; r = shares.take(0)) seen.push(...r);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, k) => k));
  });
});

describe("summary and progress", () => {
  const rows: BoardRow[] = [
    { board: "a.dts", status: "ok", finding: null, message: null, devices: 12, iommuUsers: 3, instances: 1, groups: 2, domains: 2, failed: 0, deferred: 0, unbound: 4, errors: 0 },
    { board: "long/path/b.dts", status: "ok", finding: "error", message: null, devices: 140, iommuUsers: 30, instances: 2, groups: 20, domains: 20, failed: 1, deferred: 2, unbound: 10, errors: 3 },
    { board: "c.dts", status: "load-error", finding: "error", message: "c.dts:1:1: error: syntax error" },
  ];

  it("a table aligned on the numbers, then the totals", async () => {
    const text = renderBatchText(rows);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^BOARD\s+DEVICES\s+IOMMU-USERS\s+INSTANCES\s+GROUPS\s+FAILED\s+DEFERRED\s+UNBOUND\s+STATUS$/);
    expect(lines[1]!.indexOf("12") + 2).toBe(lines[2]!.indexOf("140") + 3);
    expect(text).toContain("3 boards: 2 loaded, 1 not loaded; 1 with errors, 0 with warnings only");
    expect(text).toContain("152 devices, 33 IOMMU users, 3 IOMMU instances, 22 groups; 1 failed, 2 deferred, 14 unbound");
    await expect(text).toMatchFileSnapshot(`${projectDir}fixtures/batch/summary.txt`);
    const jsonl = renderBatchJsonl(rows);
    expect(jsonl.length).toBe(3);
    for (const line of jsonl) expect(validate(JSON.parse(line)), line).toBe(true);
  });

  it("plain lines off a terminal (every tenth, and each board not loaded); a bar redrawn on one", () => {
    const plain: string[] = [];
    const p = new Progress({ isTTY: false, write: (s) => plain.push(s) }, 20);
    for (let k = 1; k <= 20; k++) p.update(k === 5 ? rows[2]! : rows[0]!, k);
    expect(plain.filter((l) => l.includes("/20 boards")).length).toBe(10);
    expect(plain).toContain("batch: c.dts: load-error: c.dts:1:1: error: syntax error\n");
    const tty: string[] = [];
    const bar = new Progress({ isTTY: true, columns: 80, write: (s) => tty.push(s) }, 2);
    bar.update(rows[0]!, 1);
    bar.update(rows[0]!, 2);
    bar.finish();
    expect(tty.at(-2)).toMatch(/^\r\[#{24}\] 2\/2 boards, 0 not loaded, /);
    expect(tty.every((s) => !s.includes("\n"))).toBe(true);
  });
});

describe("the command", () => {
  it("exit 1 when a board cannot be loaded; --fail-on error; jsonl", async () => {
    const args = ["-q", "--assume-drivers", "-i", join(tree, "include"), tree];
    const text = await runInProcess(runBatchCommand, args);
    expect(text.status).toBe(1);
    expect(text.out).toContain("3 boards: 2 loaded, 1 not loaded");
    const good = ["-q", "--assume-drivers", "-j", "1", "-i", join(tree, "include"), join(tree, "vendor-*/*/*.dts"), join(tree, "vendor-a")];
    expect((await runInProcess(runBatchCommand, good)).status).toBe(0);
    expect((await runInProcess(runBatchCommand, [...good, "--fail-on", "error"])).status).toBe(1);
    const jsonl = await runInProcess(runBatchCommand, [...good, "--format", "jsonl"]);
    expect(jsonl.out.trim().split("\n").map((l) => JSON.parse(l).board)).toEqual([join(tree, "vendor-b/deep/smmu.dts"), join(tree, "vendor-a/tegra.dts")]);
    expect((await runInProcess(runBatchCommand, ["-q", join(tree, "nothing-*.dts")])).status).toBe(1);
    expect((await runInProcess(runBatchCommand, ["-q", "--format", "csv", tree])).status).toBe(2);
    expect((await runInProcess(runBatchCommand, ["-q", "-j", "0", tree])).status).toBe(2);
  });

  it("-W/-E as report and dtc take them: a check turned off, or made an error", async () => {
    const dir = join(work, "checks");
    mkdirSync(dir, { recursive: true });
    // A unit address without `reg`: dtc's unit_address_vs_reg warns (the kernel build turns it off).
    writeFileSync(join(dir, "unit.dts"), "/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tcompatible = \"example,board\";\n\tled@1000 { compatible = \"example,led\"; };\n};\n");
    const row = async (...flags: string[]) => {
      const r = await runInProcess(runBatchCommand, ["-q", "--assume-drivers", "-j", "1", "--format", "jsonl", ...flags, dir]);
      const x = JSON.parse(r.out.trim()) as BoardRow;
      return [r.status, x.status, x.finding];
    };
    expect(await row()).toEqual([0, "ok", "warning"]);
    expect(await row("-Wno-unit_address_vs_reg")).toEqual([0, "ok", null]);
    expect(await row("-E", "unit_address_vs_reg")).toEqual([1, "load-error", "error"]);
    expect((await runInProcess(runBatchCommand, ["-q", "-W", "no-such_check", dir])).status).toBe(2);
  });

  it("--kernel-src: the tree's drivers, extracted once by the command, read by every worker", async () => {
    const dir = join(work, "ksrc");
    mkdirSync(dir, { recursive: true });
    const acme = `/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; compatible = "acme,board";\n  hub@1000 { compatible = "acme,hub"; reg = <0x1000 0x100>; };\n  gpu@3000 { compatible = "acme,gpu"; reg = <0x3000 0x100>; };\n};\n`;
    for (const name of ["acme-a.dts", "acme-b.dts"]) writeFileSync(join(dir, name), acme);
    const src = `${projectDir}fixtures/kernel-src`;
    const saved = process.env["XDG_CACHE_HOME"];
    process.env["XDG_CACHE_HOME"] = join(work, "cache");
    try {
      const rows = async (...flags: string[]) => {
        const r = await runInProcess(runBatchCommand, ["-q", "-j", "2", "--format", "jsonl", ...flags, dir]);
        return [r.status, ...r.out.split("\n").filter(Boolean).map((l) => { const x = JSON.parse(l) as BoardCounts; return [x.devices, x.unbound]; })];
      };
      // acme-hub binds (built in); nothing in the tree matches acme,gpu.
      expect(await rows("--kernel-src", src, "--kconfig", `${src}/.config`)).toEqual([0, [2, 1], [2, 1]]);
      // The shipped tables know no acme driver.
      expect(await rows()).toEqual([0, [2, 2], [2, 2]]);
      expect(readdirSync(join(work, "cache", "dtprobe", "kernel-data"))).toHaveLength(1);
      expect((await rows("--kernel-src", join(work, "no-such-tree")))[0]).toBe(1);
      expect((await runInProcess(runBatchCommand, ["-q", "--assume-drivers", "--kernel-src", src, dir])).status).toBe(2);
    } finally {
      if (saved === undefined) delete process.env["XDG_CACHE_HOME"];
      else process.env["XDG_CACHE_HOME"] = saved;
    }
  });

  it("a board that takes longer than --timeout is stopped and reported; the others go on", async () => {
    const r = await runInProcess(runBatchCommand, ["-q", "--timeout", "0.001", "-j", "1", "--format", "jsonl", "-i", join(tree, "include"), join(tree, "vendor-a"), join(tree, "vendor-b", "deep")]);
    expect(r.status).toBe(1);
    const rows = r.out.trim().split("\n").map((l) => JSON.parse(l) as BoardRow);
    expect(rows.map((x) => [x.status, x.message])).toEqual([
      ["internal-error", "no result after 0.001 s: stopped (a loop in dtprobe: please report the board)"],
      ["internal-error", "no result after 0.001 s: stopped (a loop in dtprobe: please report the board)"],
    ]);
    expect((await runInProcess(runBatchCommand, ["-q", "--timeout", "0", tree])).status).toBe(2);
  });

  it("on worker threads (two): the same rows as inline", () => {
    const r = dtprobe(["batch", "--assume-drivers", "-q", "-j", "2", "--format", "jsonl", "-i", join(tree, "include"), tree]);
    expect(r.status).toBe(1);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as BoardRow);
    expect(rows.map((x) => [x.board.slice(tree.length + 1), x.status])).toEqual([
      ["vendor-a/tegra.dts", "ok"],
      ["vendor-b/broken.dts", "load-error"],
      ["vendor-b/deep/smmu.dts", "ok"],
    ]);
    const inline = runBoardJob(join(tree, "vendor-a", "tegra.dts"), { load: { cpp: true, includeDirs: [join(tree, "include")], defines: [{ name: "__DTS__" }] }, run: { driverTables: { assume: true } } }, boardJobCache({ includeDirs: [join(tree, "include")] }));
    expect(rows[0]).toEqual(inline);
  });
});
