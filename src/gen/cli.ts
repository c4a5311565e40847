// `npm run gen -- --nodes N --iommus M [--seed S] [-o FILE]` (also --siblings N, --depth N).
import { writeFileSync } from "node:fs";
import { GEN_USAGE, parseGenArgs } from "./cli-args.ts";
import { generateBoard, generateDeepNesting, generateSiblings } from "./index.ts";

function run(argv: readonly string[]): number {
  const req = parseGenArgs(argv);
  if ("error" in req) {
    process.stderr.write(`gen: ${req.error}\n${GEN_USAGE}\n`);
    return 2;
  }
  if (req.mode === "help") {
    process.stdout.write(`${GEN_USAGE}\n`);
    return 0;
  }
  let text: string;
  try {
    text =
      req.mode === "board"
        ? generateBoard({ nodes: req.nodes, iommus: req.iommus, seed: req.seed })
        : req.mode === "siblings"
          ? generateSiblings(req.count)
          : generateDeepNesting(req.count);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    process.stderr.write(`gen: ${e.message}\n`);
    return 2;
  }
  // latin1: the generator only writes ASCII, and this keeps one byte per char like the readers.
  if (req.output === undefined) process.stdout.write(text, "latin1");
  else {
    try {
      writeFileSync(req.output, text, "latin1");
    } catch (e) {
      process.stderr.write(`gen: cannot write ${req.output}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = run(process.argv.slice(2));
