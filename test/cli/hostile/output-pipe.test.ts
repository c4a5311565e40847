// Output to pipes arrives whole: a reader that sleeps before reading gets every byte (the
// command used to get EAGAIN after 64 KiB and exit 1), `| head -1` ends the command quietly with
// status 0 (it used to print an EPIPE error and exit 1), for `report` in both formats and for
// `compile -O dts`, which shares the writer.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasShared, sharedDir } from "../../helpers/shared.ts";
import { manyDevicesBoard } from "./boards.ts";
import { bash, dtprobeShell, hasPython3, pooled, scratchDir, shq, SLOW } from "./run-cli.ts";

const work = scratchDir("pipe");
// ~6,000 devices: a JSON report of several MB, far past a pipe's 64 KiB buffer.
const big = join(work, "big.dts");
writeFileSync(big, manyDevicesBoard(6000));

/**
 * `CMD | (first byte; sleep 1; cat) > FILE`: the reader takes one byte (so the command has begun
 * writing), then stops reading for a second while the command fills the pipe, then reads the
 * rest. The command's status, its stderr, and what the reader got.
 */
async function throughSlowReader(args: readonly string[], name: string) {
  const out = join(work, `${name}.out`);
  const r = await bash(`${dtprobeShell(args)} 2>${shq(out)}.err | (dd bs=1 count=1 status=none; sleep 1; cat) > ${shq(out)}; echo "\${PIPESTATUS[0]}" > ${shq(out)}.status; cat ${shq(out)}.err >&2`, { cwd: work });
  return { status: Number(readFileSync(`${out}.status`, "utf8")), stderr: r.stderr, data: readFileSync(out) };
}

/** The text of a complete JSON report as the command writes it (to check nothing is missing). */
function wholeJson(data: Buffer): string {
  const text = data.toString("utf8");
  return JSON.stringify(JSON.parse(text), null, 2) + "\n";
}

async function throughHead(args: readonly string[]) {
  const r = await bash(`${dtprobeShell(args)} | head -1 > /dev/null; echo "status=\${PIPESTATUS[0]}"`, { cwd: work });
  return { status: Number(/status=(\d+)/.exec(r.stdout.toString())?.[1]), stderr: r.stderr };
}

describe("output to a pipe", () => {
  it("report --format json of a 6,000-device board reaches a reader that sleeps first, whole, exit 0", async () => {
    const r = await throughSlowReader(["report", "--format", "json", "-q", big], "big-json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.data.length).toBeGreaterThan(1 << 20);
    expect(r.data.toString("utf8")).toBe(wholeJson(r.data));
    const report = JSON.parse(r.data.toString("utf8"));
    expect(report.devices.length).toBe(report.summary.devices);
    expect(report.devices.length).toBeGreaterThan(6000);
  }, SLOW);

  it("report text and compile -O dts reach a sleeping reader whole", async () => {
    const text = await throughSlowReader(["report", "-q", big], "big-text");
    expect([text.status, text.stderr]).toEqual([0, ""]);
    expect(text.data.toString()).toMatch(/^dtprobe report v1 for /);
    expect(text.data.toString()).toMatch(/\nKernel log:\n(.*\n)+$/);
    const dts = await throughSlowReader(["compile", "-O", "dts", big], "big-dts");
    expect([dts.status, dts.stderr]).toEqual([0, ""]);
    expect(dts.data.length).toBeGreaterThan(300_000);
    expect(dts.data.toString().trimEnd().endsWith("};")).toBe(true);
  }, SLOW);

  it("| head -1 ends report (json and text) and compile -O dts with status 0 and nothing on stderr", async () => {
    for (const args of [["report", "--format", "json", "-q", big], ["report", "-q", big], ["compile", "-O", "dts", big]]) {
      const r = await throughHead(args);
      expect([r.status, r.stderr], args.join(" ")).toEqual([0, ""]);
    }
  }, SLOW);

  it.skipIf(!hasPython3)("a pipe left non-blocking by another process (EAGAIN) still gets every byte", async () => {
    const out = join(work, "nonblock.out");
    const setNonBlocking = `python3 -c 'import fcntl,os,sys; fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK); os.execvp(sys.argv[1], sys.argv[1:])'`;
    await bash(`${setNonBlocking} ${dtprobeShell(["report", "--format", "json", "-q", big])} | (dd bs=1 count=1 status=none; sleep 1; cat) > ${shq(out)}`, { cwd: work });
      const data = readFileSync(out);
    expect(data.length).toBeGreaterThan(1 << 20);
    expect(data.toString("utf8")).toBe(wholeJson(data));
  }, SLOW);
});

const corpus = hasShared ? readdirSync(`${sharedDir}corpus/dev`).filter((f) => f.endsWith(".pre.dts")) : [];

describe.skipIf(!hasShared)("every corpus board through a pipe", () => {
  it(`report --format json of the ${corpus.length} corpus boards through a sleeping reader: valid JSON of the full size, exit 0; | head -1 on the largest: exit 0, silent`, async () => {
    const results = await pooled(
      corpus.map((f) => async () => ({ f, slow: await throughSlowReader(["report", "--format", "json", "-q", `${sharedDir}corpus/dev/${f}`], f) })),
    );
    for (const { f, slow } of results) {
      expect([slow.status, slow.stderr], f).toEqual([0, ""]);
      expect(slow.data.toString("utf8"), f).toBe(wholeJson(slow.data));
    }
    // The corpus reports are larger than a pipe's buffer: the slow reader is a real test.
    expect(results.filter((r) => r.slow.data.length > 65536).length).toBeGreaterThan(corpus.length / 2);
    // The reader that goes away after one line: the boards with the largest reports.
    const largest = [...results].sort((a, b) => b.slow.data.length - a.slow.data.length).slice(0, 3);
    const heads = await pooled(largest.map(({ f }) => () => throughHead(["report", "--format", "json", "-q", `${sharedDir}corpus/dev/${f}`])));
    for (const [i, head] of heads.entries()) expect([head.status, head.stderr], largest[i]!.f).toEqual([0, ""]);
  }, 2 * SLOW);
});
