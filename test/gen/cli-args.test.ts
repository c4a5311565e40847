import { describe, expect, it } from "vitest";
import { parseGenArgs } from "../../src/gen/cli-args.ts";

describe("parseGenArgs", () => {
  it("reads the board form, with --opt value and --opt=value", () => {
    expect(parseGenArgs(["--nodes", "20000", "--iommus=8", "--seed", "7", "-o", "x.dts"])).toEqual({ mode: "board", nodes: 20000, iommus: 8, seed: 7, output: "x.dts" });
    expect(parseGenArgs(["--nodes", "5", "--iommus", "0"])).toEqual({ mode: "board", nodes: 5, iommus: 0, seed: undefined, output: undefined });
  });

  it("reads the stress forms", () => {
    expect(parseGenArgs(["--siblings", "100000"])).toEqual({ mode: "siblings", count: 100000, output: undefined });
    expect(parseGenArgs(["--depth", "10000", "--output", "d.dts"])).toEqual({ mode: "depth", count: 10000, output: "d.dts" });
    expect(parseGenArgs(["--help"])).toEqual({ mode: "help" });
  });

  it("explains what is wrong", () => {
    expect(parseGenArgs([])).toEqual({ error: "give either --nodes and --iommus, or --siblings, or --depth" });
    expect(parseGenArgs(["--nodes", "5"])).toEqual({ error: "--nodes and --iommus go together" });
    expect(parseGenArgs(["--nodes", "5", "--iommus", "1", "--depth", "3"])).toMatchObject({ error: expect.stringContaining("either") });
    expect(parseGenArgs(["--nodes", "0x10", "--iommus", "1"])).toEqual({ error: "--nodes wants a non-negative integer, not '0x10'" });
    expect(parseGenArgs(["--nodes"])).toEqual({ error: "option '--nodes' needs a value" });
    expect(parseGenArgs(["--frobnicate", "1"])).toEqual({ error: "unknown option '--frobnicate'" });
    expect(parseGenArgs(["--siblings", "3", "--seed", "1"])).toEqual({ error: "--seed applies to --nodes only" });
  });
});
