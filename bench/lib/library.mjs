// Loads the built library bundle (dist/lib.mjs) and, when the bundle does not (yet) export the
// generator, builds src/gen into the output folder with esbuild so the inputs can still be made.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export async function loadLibrary(path) {
  if (!existsSync(path)) return { lib: undefined, why: `${path} not found (npm run build makes it)` };
  try {
    return { lib: await import(pathToFileURL(path).href) };
  } catch (e) {
    return { lib: undefined, why: `${path} failed to load: ${e.message}` };
  }
}

/** Names of `names` that `lib` does not export as functions or classes. */
export function missingExports(lib, names) {
  if (!lib) return names;
  return names.filter((n) => typeof lib[n] !== "function" && typeof lib[n] !== "object");
}

export async function loadGenerator(lib, root, outDir) {
  if (missingExports(lib, ["generateBoard", "generateSiblings", "generateDeepNesting"]).length === 0) return { gen: lib, from: "the library bundle" };
  const { build } = await import("esbuild");
  const outfile = join(outDir, "gen.mjs");
  await build({ entryPoints: [join(root, "src/gen/index.ts")], bundle: true, format: "esm", platform: "node", target: "node20", outfile, logLevel: "warning" });
  return { gen: await import(pathToFileURL(outfile).href), from: "src/gen (built by the bench)" };
}
