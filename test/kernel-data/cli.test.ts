// `npm run kernel-data` as a user meets it: the golden output from the fixture tree, exit codes,
// no partial output file on error; and the shipped-table resolver and driver lookup.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { configNameFromFile, parseKernelDataArgs } from "../../src/kernel-data/cli-args.ts";
import { kernelDataFor, kernelDataForSource, kernelDataText, KernelDriverTable, loadKernelData, shippedReleases } from "../../src/kernel-data/index.ts";
import { projectDir } from "../helpers/shared.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-kdcli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const golden = `${projectDir}fixtures/kernel-src.expected.json`;

function kernelData(args: string[]) {
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/kernel-data/cli.ts"), ...args], { cwd: projectDir, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("kernel-data command", () => {
  it("writes the fixture tree's golden file and reports coverage on stderr", () => {
    const out = join(work, "k.json");
    const r = kernelData(["fixtures/kernel-src", "--config", "test=fixtures/kernel-src/.config", "--arch", "arm64", "--arch", "arm", "-o", out]);
    expect(r.stderr).toMatch(/^kernel-data: 6\.9\.3: 12 OF drivers \(17 compatibles\), 2 PCI drivers, 1 early declarations; drivers\/: 7\/8 OF drivers resolved; /);
    expect(r.status).toBe(0);
    // The recorded command names the output file given; the golden records the fixture's own.
    expect(readFileSync(out, "utf8").replace(out, "fixtures/kernel-src.expected.json")).toBe(readFileSync(golden, "utf8"));
  });

  it("usage errors exit 2; input errors exit 1 without leaving an output file", () => {
    expect(kernelData([]).status).toBe(2);
    expect(kernelData(["a", "--arch", "x86"]).stderr).toMatch(/--arch must be arm64 or arm/);
    const out = join(work, "none.json");
    const r = kernelData([join(work, "no-such-tree"), "-o", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^kernel-data: error: cannot open .*no-such-tree: ENOENT/);
    expect(existsSync(out)).toBe(false);
  });

  it("names configs as Debian does and parses NAME=FILE", () => {
    expect(configNameFromFile("/usr/src/linux-config-6.1/config.arm64_none_arm64.xz")).toBe("arm64");
    expect(configNameFromFile("config.armhf_none_armmp.xz")).toBe("armmp");
    expect(parseKernelDataArgs(["src", "--config", "armmp=/x/l.deb", "-o", "o.json"])).toEqual({ source: "src", configs: [{ name: "armmp", path: "/x/l.deb" }], arches: [], output: "o.json" });
  });
});

describe("kernelDataFor", () => {
  const dir = join(work, "data");
  mkdirSync(dir, { recursive: true });
  copyFileSync(golden, join(dir, "6.9.json"));
  copyFileSync(golden, join(dir, "6.1.json"));

  it("uses the exact release when shipped, else the nearest with a note", () => {
    expect(shippedReleases(dir)).toEqual(["6.1", "6.9"]);
    const exact = kernelDataFor("v6.9.2", { dir })!;
    expect([exact.release, exact.exact, exact.note]).toEqual(["6.9", true, undefined]);
    const near = kernelDataFor("6.8", { dir })!;
    expect([near.release, near.exact]).toEqual(["6.9", false]);
    expect(near.note).toMatch(/^no driver table for 6\.8; using 6\.9 \(6\.9\.3\), the nearest shipped/);
    expect(kernelDataFor("5.4", { dir })!.release).toBe("6.1");
    expect(kernelDataFor("6.5", { dir })!.release).toBe("6.1");
    expect(kernelDataFor("not a version", { dir })).toBeUndefined();
  });

  it("finds the shipped tables of the package", () => {
    const releases = shippedReleases();
    expect(releases).toEqual(expect.arrayContaining(["6.1", "6.12"]));
    expect(kernelDataFor("6.12")!.data.kernel.release).toBe("6.12");
  });
});

describe("KernelDriverTable", () => {
  const data = loadKernelData(golden);
  const table = KernelDriverTable.forArch(data, "arm64");

  it("lists every matching driver in link order with its best compatible and build state", () => {
    const m = table.matching(["acme,hub-v2", "acme,hub", "acme,pmic"]);
    expect(m.map((x) => [x.driver.name, x.compatible, x.deviceIndex, x.state])).toEqual([
      ["acme-hub", "acme,hub-v2", 0, "y"],
      ["acme-pmic", "acme,pmic", 2, "m"],
    ]);
    expect(table.matching(["acme,dma330"])).toEqual([]);
  });

  it("drops table entries whose guard the configuration does not meet", () => {
    expect(table.matching(["acme,smmu-qcom"])).toEqual([]);
    expect(table.matching(["acme,smmu-v1"]).map((x) => x.state)).toEqual(["y"]);
    const all = new KernelDriverTable(data, undefined);
    expect(all.matching(["acme,smmu-qcom"]).map((x) => x.driver.name)).toEqual(["acme_smmu"]);
  });

  it("finds drivers by name (driver_override) with their state", () => {
    const [vfio] = table.byName("vfio-platform");
    expect(vfio?.managedDma).toBe(true);
    expect(table.state(vfio!)).toBe("m");
    expect(table.state(data.drivers.find((d) => d.name === "acme-dma330")!)).toBe("n");
  });
});

describe("kernelDataForSource (--kernel-src, --kconfig)", () => {
  it("extracts a user's tree once and reads the cache after", async () => {
    const cacheDir = join(work, "cache");
    const kconfig = `${projectDir}fixtures/kernel-src/.config`;
    const first = await kernelDataForSource(`${projectDir}fixtures/kernel-src`, { kconfig, cacheDir });
    const [file] = readdirSync(cacheDir);
    const written = statSync(join(cacheDir, file!)).mtimeMs;
    const second = await kernelDataForSource(`${projectDir}fixtures/kernel-src`, { kconfig, cacheDir });
    expect(statSync(join(cacheDir, file!)).mtimeMs).toBe(written);
    expect(kernelDataText(second)).toBe(kernelDataText(first));
    expect(first.configs.map((c) => [c.name, c.arch])).toEqual([["kconfig", "arm64"]]);
    expect(first.drivers.map((d) => d.name)).toContain("acme_smmu");
    // Another configuration is another table.
    await kernelDataForSource(`${projectDir}fixtures/kernel-src`, { cacheDir });
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });
});
