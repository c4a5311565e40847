// Shapes for the front end's limit tests and benchmarks: many siblings in one block, and deep
// nesting. They need not be dtc-compatible (dtc's parser fails past ~9,988 siblings and ~3,330
// levels); up to those sizes dtc 1.6.1 does accept them, which keeps them useful as oracle inputs.
import { MAX_STRESS } from "./options.ts";
import { Lines, hex } from "./text.ts";

function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_STRESS) throw new RangeError(`${what} must be an integer from 1 to ${MAX_STRESS}`);
}

/**
 * One simple-bus block holding `count` labelled sibling devices; each device after the first
 * refers to its predecessor by phandle, so label resolution is exercised at the same scale.
 */
export function generateSiblings(count: number): string {
  checkCount("siblings", count);
  const out = new Lines();
  out.push("/dts-v1/;");
  out.push("");
  out.push("/ {");
  out.push('\tcompatible = "dtprobe,gen-siblings";');
  out.push("\t#address-cells = <1>;");
  out.push("\t#size-cells = <1>;");
  out.push("");
  out.push("\tbus@10000000 {");
  out.push('\t\tcompatible = "simple-bus";');
  out.push("\t\t#address-cells = <1>;");
  out.push("\t\t#size-cells = <1>;");
  out.push("\t\tranges = <0x10000000 0x10000000 0x70000000>;");
  for (let i = 0; i < count; i++) {
    const address = 0x1000_0000 + i * 0x100;
    out.push("");
    out.push(`\t\td${i}: device@${address.toString(16)} {`);
    out.push('\t\t\tcompatible = "dtprobe,gen-sibling";');
    out.push(`\t\t\treg = <${hex(address)} 0x100>;`);
    if (i > 0) out.push(`\t\t\tdtprobe,peer = <&d${i - 1}>;`);
    out.push("\t\t};");
  }
  out.push("\t};");
  out.push("};");
  return out.join();
}

/**
 * `depth` nested nodes under the root (the root itself not counted), each labelled and holding
 * its depth. Lines are not indented: indentation would make the text quadratic in the depth.
 */
export function generateDeepNesting(depth: number): string {
  checkCount("depth", depth);
  const out = new Lines();
  out.push("/dts-v1/;");
  out.push("");
  out.push("/ {");
  out.push('\tcompatible = "dtprobe,gen-deep";');
  for (let d = 1; d <= depth; d++) {
    out.push(`l${d}: node {`);
    out.push(`depth = <${d}>;`);
  }
  for (let d = 1; d <= depth; d++) out.push("};");
  out.push("};");
  return out.join();
}
