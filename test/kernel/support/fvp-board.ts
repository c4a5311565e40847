// A small generated FVP-like board for model tests: a GICv3 and one SMMUv3 (label `smmu`) with
// the test's own nodes after them, run with assumed drivers from a scratch file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "../../../src/report/index.ts";
import { loadTree, runModel } from "./run.ts";

/** The board's source: `nodes` are placed after the interrupt controller and the SMMU. */
export function fvpSmmuV3Board(nodes: string): string {
  return `/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "arm,fvp-base-revc";
	interrupt-parent = <&gic>;
	gic: interrupt-controller@2f000000 {
		compatible = "arm,gic-v3";
		reg = <0 0x2f000000 0 0x10000>, <0 0x2f100000 0 0x200000>;
		interrupt-controller;
		#interrupt-cells = <3>;
	};
	smmu: iommu@2b400000 {
		compatible = "arm,smmu-v3";
		reg = <0 0x2b400000 0 0x100000>;
		#iommu-cells = <1>;
	};
${nodes}};
`;
}

/** The report of `dts` (written as `name`) at `kernel`, every device with an assumed driver. */
export function runBoardSource(dts: string, name: string, kernel: string): Report {
  const work = mkdtempSync(join(tmpdir(), "dtprobe-board-"));
  try {
    const path = join(work, name);
    writeFileSync(path, dts);
    return runModel(loadTree(path), { input: name, assumeDrivers: true, kernel }).report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
