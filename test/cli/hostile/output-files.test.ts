// Output files: written through symbolic links to their target, keeping the old file's mode and
// hard links; a file that cannot be replaced safely is an error that leaves it as it was; a
// signal during the write removes the temporary file and ends the process by that signal.
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectDir } from "../../helpers/shared.ts";
import { bash, dtprobe, dtprobeShell, scratchDir, SLOW } from "./run-cli.ts";

const work = scratchDir("files");
const board = join(projectDir, "fixtures/kernel/tegra30-like.dts");
const isRoot = process.getuid?.() === 0;
const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

function fresh(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

describe("-o FILE", () => {
  it("through a symbolic link (and a chain of them) writes the target and keeps the links", () => {
    const dir = fresh("symlink");
    writeFileSync(join(dir, "target.txt"), "old\n", { mode: 0o640 });
    chmodSync(join(dir, "target.txt"), 0o640);
    symlinkSync("target.txt", join(dir, "link1.txt"));
    symlinkSync(join(dir, "link1.txt"), join(dir, "link2.txt"));
    const r = dtprobe(["report", "-q", "-o", join(dir, "link2.txt"), board]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(lstatSync(join(dir, "link1.txt")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, "link2.txt")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "target.txt"), "utf8")).toMatch(/^dtprobe report v1 for /);
    expect(statSync(join(dir, "target.txt")).mode & 0o777).toBe(0o640);
    expect(tempFiles(dir)).toEqual([]);
    // compile shares the writer.
    writeFileSync(join(dir, "plain.dts"), "/dts-v1/;\n/ {\n\tmodel = \"x\";\n};\n");
    const c = dtprobe(["compile", "-O", "dts", "-o", join(dir, "link1.txt"), join(dir, "plain.dts")]);
    expect([c.status, c.stderr]).toEqual([0, ""]);
    expect(readFileSync(join(dir, "target.txt"), "utf8")).toMatch(/^\/dts-v1\/;/);
    expect(statSync(join(dir, "target.txt")).mode & 0o777).toBe(0o640);
    expect(lstatSync(join(dir, "link1.txt")).isSymbolicLink()).toBe(true);
  }, SLOW);

  it("through a dangling link creates the file the link names", () => {
    const dir = fresh("dangling");
    symlinkSync("made.json", join(dir, "out.json"));
    const r = dtprobe(["report", "-q", "--format", "json", "-o", join(dir, "out.json"), board]);
    expect(r.status, r.stderr).toBe(0);
    expect(lstatSync(join(dir, "out.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "made.json"), "utf8")).version).toBe(1);
  }, SLOW);

  it("keeps the old file's mode, and writes a hard-linked file in place (every link sees the report)", () => {
    const dir = fresh("modes");
    const a = join(dir, "a.txt");
    writeFileSync(a, "old\n");
    chmodSync(a, 0o600);
    linkSync(a, join(dir, "b.txt"));
    const r = dtprobe(["report", "-q", "-o", a, board]);
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(a).nlink).toBe(2);
    expect(statSync(a).ino).toBe(statSync(join(dir, "b.txt")).ino);
    expect(readFileSync(join(dir, "b.txt"), "utf8")).toMatch(/^dtprobe report v1 for /);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(tempFiles(dir)).toEqual([]);
  }, SLOW);

  it("a directory, or a file it may not write, is an error naming it; nothing changes", () => {
    const dir = fresh("refuse");
    const r = dtprobe(["report", "-q", "-o", dir, board]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`dtprobe: error: couldn't write ${dir}: Is a directory`);
    if (isRoot) return; // root may write anything: the permission cases do not apply
    const ro = join(dir, "ro.txt");
    writeFileSync(ro, "keep\n");
    chmodSync(ro, 0o444);
    const r2 = dtprobe(["report", "-q", "-o", ro, board]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain(`couldn't write ${ro}: Permission denied`);
    expect(readFileSync(ro, "utf8")).toBe("keep\n");
    // A writable file in a directory where no temporary file can be made: not replaced unsafely.
    const locked = fresh("locked");
    const f = join(locked, "f.txt");
    writeFileSync(f, "keep\n");
    chmodSync(locked, 0o555);
    const r3 = dtprobe(["report", "-q", "-o", f, board]);
    chmodSync(locked, 0o755);
    expect(r3.status).toBe(1);
    expect(r3.stderr).toContain(`can't replace ${f} safely: can't create a temporary file in ${locked}`);
    expect(readFileSync(f, "utf8")).toBe("keep\n");
  }, SLOW);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} during the write removes the temporary file, keeps the old file and ends the process by ${signal}`, () => {
      const dir = fresh(`signal-${signal}`);
      const out = join(dir, "report.txt");
      writeFileSync(out, "previous\n");
      const r = dtprobe(["report", "-q", "-o", out, board], { env: { DTPROBE_FAILPOINT: `signal-during-write:${signal}` } });
      expect([r.status, r.signal]).toEqual([null, signal]);
      expect(tempFiles(dir)).toEqual([]);
      expect(readFileSync(out, "utf8")).toBe("previous\n");
      // A new file is not left behind either.
      const made = join(dir, "new.txt");
      const r2 = dtprobe(["report", "-q", "-o", made, board], { env: { DTPROBE_FAILPOINT: `signal-during-write:${signal}` } });
      expect(r2.signal).toBe(signal);
      expect(existsSync(made)).toBe(false);
      expect(tempFiles(dir)).toEqual([]);
    }, SLOW);
  }

  it("/dev/stdout and /dev/null are written as they are, never replaced", async () => {
    const r = await bash(`${dtprobeShell(["report", "-q", "-o", "/dev/stdout", board])} | wc -c`);
    expect(Number(r.stdout.toString().trim())).toBeGreaterThan(1000);
    expect(dtprobe(["report", "-q", "-o", "/dev/null", board]).status).toBe(0);
  }, SLOW);
});
