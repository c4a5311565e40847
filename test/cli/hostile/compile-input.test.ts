// Inputs that are not ordinary files of ordinary size: standard input that never ends, a file
// over the limit, a missing input, a directory or FIFO where a file is expected, a device read
// by /incbin/. Each is read with the limit before or while reading, and named in the message.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES } from "../../../src/source/index.ts";
import { hasDtc } from "../../helpers/shared.ts";
import { dtc, dtprobe, scratchDir } from "./support.ts";

const scratch = scratchDir("hostile-input");
afterAll(scratch.remove);
const cwd = scratch.dir;
const good = "/dts-v1/;\n/ {\n\tmodel = \"x\";\n};\n";
writeFileSync(join(cwd, "good.dts"), good);
mkdirSync(join(cwd, "adir"));
execFileSync("mkfifo", [join(cwd, "afifo")]);

describe("the input itself", () => {
  it("standard input that never ends (/dev/zero) stops at the limit, with a message naming it", () => {
    const zero = openSync("/dev/zero", "r");
    try {
      const r = dtprobe(["compile", "-o", "out.dtb", "-"], { cwd, stdin: [zero, "pipe", "pipe"] });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`<stdin>: error: <stdin> is larger than the ${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`);
    } finally {
      closeSync(zero);
    }
  });

  it("a 2 GB file is refused by its size, before it is read (it was 'No such file')", () => {
    const big = join(cwd, "big.dts");
    writeFileSync(big, "");
    truncateSync(big, 2_200_000_000);
    const r = dtprobe(["compile", "-o", "out.dtb", "big.dts"], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("big.dts: error: big.dts is 2200000000 bytes, larger than the 128 MiB input limit [limit]");
    truncateSync(big, 0);
  });

  it("a missing input is named as the file at fault, not blamed on the output", () => {
    for (const out of ["o.dtb", "-"]) {
      const r = dtprobe(["compile", "-o", out, "missing.dts"], { cwd });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe('missing.dts: error: Couldn\'t open "missing.dts": No such file or directory [io]');
    }
  });

  it("a FIFO given as the input is read to its end (dtc <(cpp ...))", async () => {
    const fifo = join(cwd, "input-fifo");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", `cat good.dts > input-fifo`], { cwd });
    const r = dtprobe(["compile", "-I", "dts", "-O", "dts", "input-fifo"], { cwd });
    await new Promise((resolve) => writer.on("close", resolve));
    expect(r.status).toBe(0);
    expect(r.stdout.toString("latin1")).toContain('model = "x";');
  });
});

describe("files pulled in by /include/, #include and /incbin/", () => {
  it("a directory or a FIFO gets its own message (it was 'No such file'), and a FIFO is not waited on", () => {
    writeFileSync(join(cwd, "incdir.dts"), '/dts-v1/;\n/include/ "adir"\n/ { };\n');
    writeFileSync(join(cwd, "incfifo.dts"), '/dts-v1/;\n/include/ "afifo"\n/ { };\n');
    writeFileSync(join(cwd, "cppfifo.dts"), '#include "afifo"\n/dts-v1/;\n/ { };\n');
    const dir = dtprobe(["compile", "-o", "out.dtb", "incdir.dts"], { cwd });
    expect(dir.status).toBe(1);
    expect(dir.stderr).toContain('incdir.dts:2:1: error: Couldn\'t open "adir": Is a directory [include]');
    const fifo = dtprobe(["compile", "-o", "out.dtb", "incfifo.dts"], { cwd });
    expect(fifo.status).toBe(1);
    expect(fifo.stderr).toContain('incfifo.dts:2:1: error: Couldn\'t open "afifo": is a FIFO (named pipe), not a regular file [include]');
    const cpp = dtprobe(["compile", "--cpp", "-o", "out.dtb", "cppfifo.dts"], { cwd });
    expect(cpp.status).toBe(1);
    expect(cpp.stderr).toContain("cppfifo.dts:1:10: error: afifo: is a FIFO (named pipe), not a regular file [include]");
  });

  it.skipIf(!hasDtc)("/incbin/ of a device reads the bytes asked for, as dtc does", () => {
    writeFileSync(join(cwd, "zero.dts"), '/dts-v1/;\n/ {\n\tp = /incbin/("/dev/zero", 0, 16);\n\tq = /incbin/("/dev/zero", 4096, 3);\n};\n');
    const theirs = dtc(["-O", "dtb", "-o", "-", "zero.dts"], cwd);
    expect(theirs.status).toBe(0);
    const ours = dtprobe(["compile", "-o", "-", "zero.dts"], { cwd });
    expect(ours.status).toBe(0);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  });

  it("/incbin/ of a whole device stops at the limit; a range of a file over the limit is fine", () => {
    writeFileSync(join(cwd, "allzero.dts"), '/dts-v1/;\n/ {\n\tp = /incbin/("/dev/zero");\n};\n');
    const all = dtprobe(["compile", "-o", "out.dtb", "allzero.dts"], { cwd });
    expect(all.status).toBe(1);
    expect(all.stderr).toContain("/dev/zero is larger than the 128 MiB input limit");
    const huge = join(cwd, "huge.bin");
    writeFileSync(huge, "");
    truncateSync(huge, MAX_INPUT_BYTES * 2);
    writeFileSync(join(cwd, "range.dts"), '/dts-v1/;\n/ {\n\tp = /incbin/("huge.bin", 0x8000000, 8);\n};\n');
    const range = dtprobe(["compile", "-O", "dts", "range.dts"], { cwd });
    expect(range.stderr).toBe("");
    expect(range.stdout.toString("latin1")).toContain("p = <0x00 0x00>;");
    truncateSync(huge, 0);
  });
});
