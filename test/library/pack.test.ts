// The published package: `npm pack`, installed into an empty project, type-checks and runs
// `import { reportBoard, compile } from "dtprobe"` (scripts/pack-check.mjs). It packs and installs
// from the registry, so it runs only with DTPROBE_PACK_TEST=1; the rest checks what it relies on.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { exports: Record<string, { types: string; import: string }>; types: string; files: string[] };
const build = JSON.parse(readFileSync(`${root}tsconfig.build.json`, "utf8")) as { files: string[]; compilerOptions: { outDir: string } };

describe("the package", () => {
  it("exports the library bundle with the declarations built from src/index.ts", () => {
    expect(pkg.exports["."]!.import).toBe("./dist/lib.mjs");
    expect(pkg.types).toBe(pkg.exports["."]!.types);
    expect(build.files).toEqual(["src/index.ts"]);
    expect(pkg.types).toBe(`./${build.compilerOptions.outDir}/src/index.d.ts`);
    expect(pkg.files).toContain("dist");
  });

  it("ships its JSON Schemas (scenario files, reports, side files) and exports them by path", () => {
    expect(pkg.files).toContain("schemas");
    expect((pkg.exports as Record<string, unknown>)["./schemas/*"]).toBe("./schemas/*");
    for (const name of ["scenario", "report", "pci-topology", "hw", "board-options"]) {
      const schema = JSON.parse(readFileSync(`${root}schemas/${name}.schema.json`, "utf8")) as { $schema?: string };
      expect(schema.$schema, name).toMatch(/json-schema\.org/);
    }
  });

  it.runIf(process.env["DTPROBE_PACK_TEST"] === "1")("installed from its tarball, `import { reportBoard, compile } from \"dtprobe\"` type-checks and runs", () => {
    const out = execFileSync(process.execPath, [`${root}scripts/pack-check.mjs`], { encoding: "utf8" });
    expect(out).toContain("the installed package type-checks and runs");
  }, 300_000);
});
