// `dtprobe diff`: the same board written in another order (other phandles, probe order and group
// numbers) is no change; a one-line stream-ID move is exactly one device; goldens and exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDiffCommand } from "../../src/cli/diff-command.ts";
import { compile, defaultCompileOptions } from "../../src/compile/index.ts";
import { diffReports, renderDiffText } from "../../src/report/diff/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { dtprobe, runBoardAs, runInProcess, schemaValidator } from "../helpers/answers.ts";
import { hasDtc, projectDir } from "../helpers/shared.ts";
import { spawnSync } from "node:child_process";

const dir = `${projectDir}fixtures/diff/`;
const work = mkdtempSync(join(tmpdir(), "dtprobe-diff-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const validate = schemaValidator("diff");

const report = (file: string, input = file) => runBoardAs(file, input, [{}])[0]!.report;

/** board-reordered.dts compiled to a blob by dtprobe itself, with both phandle properties (-H both). */
function reorderedDtb(): string {
  const sink = new DiagnosticSink();
  const out = compile(`${dir}board-reordered.dts`, { ...defaultCompileOptions, phandleFormat: "both", outputFormat: "dtb" }, sink);
  if (!out.ok) throw new Error(sink.items.map((d) => d.message).join("; "));
  const path = join(work, "board-reordered.dtb");
  writeFileSync(path, out.output);
  return path;
}

describe("diff", () => {
  const base = report(`${dir}board.dts`, "board.dts");

  it("the board against itself written in another order, as a DTB: no change, although every number moved", () => {
    const dtb = reorderedDtb();
    const other = report(dtb, "board-reordered.dtb");
    // The numbers did move: group ids follow probe order.
    const groupOf = (r: typeof base, n: string) => r.devices.find((d) => d.name === n)!.group;
    expect(groupOf(other, "a800000.usb")).not.toBe(groupOf(base, "a800000.usb"));
    const d = diffReports(base, other);
    expect(d.changed).toBe(false);
    expect(d.devices).toEqual([]);
    expect(d.iommus).toEqual([]);
    expect(d.counts).toEqual({ changed: 0, added: 0, removed: 0, unchanged: base.devices.length });
  });

  it.skipIf(!hasDtc)("the same with dtc's blob of the reordered source", () => {
    const path = join(work, "board-reordered.dtc.dtb");
    const r = spawnSync("dtc", ["-q", "-I", "dts", "-O", "dtb", "-H", "epapr", "-o", path, `${dir}board-reordered.dts`]);
    expect(r.status).toBe(0);
    expect(diffReports(base, report(path)).changed).toBe(false);
  });

  it("a one-line edit moving the SD host to another stream ID: exactly that device, its IDs", async () => {
    const moved = report(`${dir}board-sid-moved.dts`, "board-sid-moved.dts");
    const d = diffReports(base, moved);
    expect(d.changed).toBe(true);
    expect(d.devices.map((x) => [x.name, x.change, x.fields])).toEqual([["8804000.mmc", "changed", ["ids"]]]);
    expect(d.devices[0]!.old!.specifiers).toEqual([[0xa0, 0xf]]);
    expect(d.devices[0]!.new!.specifiers).toEqual([[0xc0, 0xf]]);
    expect(validate(JSON.parse(JSON.stringify(d))), JSON.stringify(validate.errors)).toBe(true);
    await expect(renderDiffText(d)).toMatchFileSnapshot(`${dir}board-sid-moved.diff.txt`);
    await expect(JSON.stringify(d, null, 1) + "\n").toMatchFileSnapshot(`${dir}board-sid-moved.diff.json`);
  });

  it("groups by members: two devices brought onto one stream share a group, both change; a new device is added", async () => {
    const text = readFileSync(`${dir}board.dts`, "latin1");
    const edited = text
      .replace("iommus = <&apps_smmu 0x760 0>;", "iommus = <&apps_smmu 0x740 0>;")
      .replace(/(\t\tusb_2_dwc3: usb@a800000 \{)/, "\t\tspi@880000 {\n\t\t\tcompatible = \"qcom,geni-spi\";\n\t\t\treg = <0 0x00880000 0 0x4000>;\n\t\t\tiommus = <&apps_smmu 0x20 0x0>;\n\t\t};\n\n$1");
    const path = join(work, "board-edited.dts");
    writeFileSync(path, edited, "latin1");
    const d = diffReports(base, report(path, "board-edited.dts"));
    const byName = new Map(d.devices.map((x) => [x.name, x]));
    expect(byName.get("880000.spi")?.change).toBe("added");
    expect(byName.get("a600000.usb")?.fields).toContain("group");
    expect(byName.get("a800000.usb")?.new?.group).toEqual(["a600000.usb", "a800000.usb"]);
    // One group fewer and one more: the SMMU's counts are the same.
    expect(d.iommus).toEqual([]);
    const t = renderDiffText(d);
    expect(t).toContain("+ 880000.spi");
    expect(t).toMatch(/group\s+alone -> with a800000.usb/);
  });

  it("an IOMMU instance's resources: merging two groups frees a context bank and a stream match entry", () => {
    const text = readFileSync(`${dir}board.dts`, "latin1");
    const path = join(work, "board-merged.dts");
    writeFileSync(path, text.replace("iommus = <&apps_smmu 0x760 0>;", "iommus = <&apps_smmu 0x740 0>;"), "latin1");
    const d = diffReports(base, report(path));
    expect(d.iommus).toEqual([
      {
        path: "/soc@0/iommu@15000000",
        change: "changed",
        fields: [
          { field: "used.contextBanks", old: 5, new: 4 },
          { field: "used.smrs", old: 6, new: 5 },
        ],
      },
    ]);
  });

  it("the command: exit 0 unchanged, 1 changed, 2 usage or a board that cannot be loaded", async () => {
    expect((await runInProcess(runDiffCommand, ["--assume-drivers", "fixtures/diff/board.dts", "fixtures/diff/board-reordered.dts"])).status).toBe(0);
    const changed = await runInProcess(runDiffCommand, ["--assume-drivers", "fixtures/diff/board.dts", "fixtures/diff/board-sid-moved.dts"]);
    expect(changed.status).toBe(1);
    expect(changed.out).toContain("~ 8804000.mmc");
    const json = await runInProcess(runDiffCommand, ["--assume-drivers", "fixtures/diff/board.dts", "fixtures/diff/board-sid-moved.dts", "--format", "json"]);
    expect(JSON.parse(json.out).counts).toEqual({ changed: 1, added: 0, removed: 0, unchanged: 8 });
    expect((await runInProcess(runDiffCommand, ["fixtures/diff/board.dts"])).status).toBe(2);
    expect((await runInProcess(runDiffCommand, ["--assume-drivers", "fixtures/diff/board.dts", "fixtures/diff/no-such.dts"])).status).toBe(2);
  });

  it("is a dtprobe command", () => {
    const r = dtprobe(["diff", "--assume-drivers", "fixtures/diff/board.dts", "fixtures/diff/board-sid-moved.dts"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("1 device changed");
  });
});
