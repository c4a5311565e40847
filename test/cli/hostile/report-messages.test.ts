// Messages a user meets first: an unknown command lists the commands and suggests the nearest
// (it used to suggest `dtprobe bogus --help`), an unknown option suggests the nearest option, a
// side file that is missing or broken is named with its position (not blamed on the output).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nearest } from "../../../src/cli/args.ts";
import { projectDir } from "../../helpers/shared.ts";
import { dtprobe, dtprobeAsync, pooled, scratchDir, SLOW } from "./run-cli.ts";

const board = join(projectDir, "fixtures/kernel/tegra30-like.dts");
const work = scratchDir("messages");

describe("command-line messages", () => {
  it("nearest: a misspelling or an unambiguous prefix, else nothing", () => {
    expect(nearest("reprot", ["compile", "report"])).toBe("report");
    expect(nearest("rep", ["compile", "report"])).toBe("report");
    expect(nearest("compiel", ["compile", "report"])).toBe("compile");
    expect(nearest("bogus", ["compile", "report"])).toBeUndefined();
    expect(nearest("kernal", ["kernel", "format", "hw"])).toBe("kernel");
    expect(nearest("x", ["a", "b"])).toBeUndefined();
  });

  it("unknown commands and options: what exists, the nearest, and the help that helps; exit 2", async () => {
    const [bogus, typo, option, noCommand] = await pooled([
      () => dtprobeAsync(["bogus", "x.dts"]),
      () => dtprobeAsync(["reprot", "x.dts"]),
      () => dtprobeAsync(["report", "--kernal", "6.1", "x.dts"]),
      () => dtprobeAsync([]),
    ]);
    expect(bogus!.status).toBe(2);
    expect(bogus!.stderr).toBe("dtprobe: unknown command 'bogus' (commands: compile, report, run, test)\n(run 'dtprobe --help' for usage)\n");
    expect(typo!.stderr).toContain("dtprobe: unknown command 'reprot'; did you mean 'report'? (commands: compile, report, run, test)");
    expect(option!.status).toBe(2);
    expect(option!.stderr).toBe("dtprobe: unknown option '--kernal'; did you mean '--kernel'?\n(run 'dtprobe report --help' for usage)\n");
    expect(noCommand!.status).toBe(2);
    expect(noCommand!.stderr).toContain("usage: dtprobe <command>");
  }, SLOW);

  it("a missing side file is named as the input at fault; a broken one at its line and column, with a caret", () => {
    const missing = dtprobe(["report", "--hw", "nope.json", board], { cwd: work });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('dtprobe: error: Couldn\'t open "nope.json": No such file or directory [io]\n');
    const scenario = join(work, "trailing.json");
    writeFileSync(scenario, '{\n  "version": 1,\n  "steps": [\n    { "op": "unbind", "device": "70020000.sata" },\n  ]\n}\n');
    const broken = dtprobe(["report", "--scenario", scenario, board]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(`${scenario}:4:50: error: invalid JSON: trailing comma: no element follows it before ']'`);
    expect(broken.stderr).toMatch(/\n\s+\{ "op": "unbind", "device": "70020000\.sata" \},\n\s+\^\n/);
  }, SLOW);
});
