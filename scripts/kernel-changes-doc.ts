// Rewrites the table of kernel changes in docs/kernel-model.md from src/kernel/changes.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { KERNEL_CHANGES_BEGIN, KERNEL_CHANGES_END, renderKernelChanges } from "../src/kernel/index.ts";

const path = new URL("../docs/kernel-model.md", import.meta.url).pathname;
const text = readFileSync(path, "utf8");
const a = text.indexOf(KERNEL_CHANGES_BEGIN);
const b = text.indexOf(KERNEL_CHANGES_END);
if (a < 0 || b < a) {
  console.error(`${path}: no ${KERNEL_CHANGES_BEGIN} ... ${KERNEL_CHANGES_END} section`);
  process.exit(1);
}
writeFileSync(path, text.slice(0, a) + renderKernelChanges() + text.slice(b + KERNEL_CHANGES_END.length));
