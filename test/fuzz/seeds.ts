// Seed inputs for mutation: dtc's test sources and the corpus boards (when ../shared is present),
// plus the project's own fixtures, which are always there.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { hasShared, projectDir, sharedDir } from "../helpers/shared.ts";

function filesUnder(dir: string, pred: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${d}/${e.name}`);
      else if (pred(e.name)) out.push(`${d}/${e.name}`);
    }
  };
  walk(dir);
  return out.sort();
}

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export function sourceSeeds(options: { includeBoards: boolean }): Seed[] {
  const paths = [
    ...filesUnder(projectDir + "fixtures", (n) => n.endsWith(".dts")),
    ...(hasShared ? filesUnder(sharedDir + "dtc-tests/inputs", (n) => n.endsWith(".dts")) : []),
    ...(hasShared && options.includeBoards ? filesUnder(sharedDir + "corpus/dev", (n) => n.endsWith(".pre.dts")) : []),
  ];
  return paths.map((p) => ({ name: p.slice(p.lastIndexOf("/") + 1), bytes: readFileSync(p) }));
}

export function blobSeeds(): Seed[] {
  const paths = hasShared ? [...filesUnder(sharedDir + "dtc-tests/results", (n) => n.endsWith(".dtb")), ...filesUnder(sharedDir + "qemu", (n) => n.endsWith(".dtb"))] : [];
  return paths.map((p) => ({ name: p.slice(p.lastIndexOf("/") + 1), bytes: readFileSync(p) }));
}
