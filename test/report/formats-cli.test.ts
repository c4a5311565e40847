// `dtprobe report --format dot|svg|html` as a user runs it: the DOT is the golden's bytes, SVG and
// HTML arrive whole on a pipe or in a file, and an unknown format is a usage error (exit 2).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { projectDir } from "../helpers/shared.ts";
import { kernelFixtures } from "./support/boards.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-formats-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dtprobe(args: string[]) {
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/cli/main.ts"), "report", ...args], { cwd: kernelFixtures, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("report --format dot|svg|html", () => {
  it("dot: the golden's bytes", () => {
    // A hand-written fixture with made-up compatibles: drivers assumed.
    const r = dtprobe(["--format", "dot", "--kernel", "6.1", "--assume-drivers", "--hw", "smmuv3-pci.hw.json", "smmuv3-pci.dts"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(`${projectDir}fixtures/dot/smmuv3-pci.dot`, "utf8"));
  });

  it("svg to a file and html to a pipe, whole", () => {
    const out = join(work, "t.svg");
    expect(dtprobe(["--format", "svg", "--assume-drivers", "-o", out, "tegra30-like.dts"]).status).toBe(0);
    const svg = readFileSync(out, "utf8");
    expect(svg).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\s*$/);
    expect(svg).toContain(">54200000.dc</text>");
    const html = dtprobe(["--format", "html", "tegra30-like.dts"]);
    expect(html.status).toBe(0);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>[^]*<\/html>\n$/);
    expect(html.stdout).toContain("<code>dtprobe report --format html tegra30-like.dts</code>");
  });

  it("an unknown format is a usage error", () => {
    const r = dtprobe(["--format", "png", "tegra30-like.dts"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("invalid --format 'png' (text, json, table, sysfs, dot, svg or html)");
  });
});
