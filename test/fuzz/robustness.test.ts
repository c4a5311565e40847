// Hostile input, fixed seeds: every mutated source and corrupted blob ends in a clean result or a
// positioned error — never an exception. `npm run fuzz` runs the long campaign.
import { describe, expect, it } from "vitest";
import { corruptBlob, mutateText, Rng } from "./mutate.ts";
import { runCase } from "./run-case.ts";
import { blobSeeds, sourceSeeds } from "./seeds.ts";

const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("robustness (fixed seeds)", () => {
  it("mutated sources: no crash, every error positioned", () => {
    const seeds = sourceSeeds({ includeBoards: false });
    const rng = new Rng(0xd7b0);
    const failures: string[] = [];
    for (let i = 0; i < 400 && seeds.length > 0; i++) {
      const seed = rng.pick(seeds);
      const text = mutateText(latin1(seed.bytes), rng);
      const v = runCase(seed.name, Buffer.from(text, "latin1"), "dts");
      if (v.kind === "crash" || v.kind === "unpositioned") failures.push(`case ${i} (${seed.name}): ${v.kind}: ${v.detail.split("\n").slice(0, 3).join(" | ")}`);
    }
    expect(failures).toEqual([]);
  });

  it.skipIf(blobSeeds().length === 0)("corrupted blobs: no crash, every error positioned", () => {
    const seeds = blobSeeds();
    const rng = new Rng(0xfd70);
    const failures: string[] = [];
    for (let i = 0; i < 400; i++) {
      const seed = rng.pick(seeds);
      const v = runCase(seed.name, corruptBlob(seed.bytes, rng), "dtb");
      if (v.kind === "crash" || v.kind === "unpositioned") failures.push(`case ${i} (${seed.name}): ${v.kind}: ${v.detail.split("\n").slice(0, 3).join(" | ")}`);
    }
    expect(failures).toEqual([]);
  });
});
