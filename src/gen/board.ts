// generateBoard: a whole SoC board as DTS text, in the order a real board file has it (root
// properties, aliases and chosen, cpus, memory, the SoC bus with its controllers, IOMMUs, PCIe
// hosts and devices), then `&soc { … };` re-openings, then the board-level overrides.
import { DeviceWriter } from "./devices.ts";
import { IommuPlan, emitIommuNodes } from "./iommu-plan.ts";
import type { BoardOptions } from "./options.ts";
import { DEFAULT_SEED, DEVICES_PER_BLOCK, validateBoardOptions } from "./options.ts";
import { emitPciHosts, pciHostCount } from "./pci.ts";
import { IrqAllocator, emitHeader, emitRootStart, emitSocStart } from "./platform.ts";
import { Prng } from "./prng.ts";
import { Lines } from "./text.ts";

/**
 * Generates a board that dtc 1.6.1 compiles with no warnings. Deterministic: the same options and
 * seed give the same bytes. Throws RangeError for options out of range (see validateBoardOptions).
 */
export function generateBoard(options: BoardOptions): string {
  const problem = validateBoardOptions(options);
  if (problem !== undefined) throw new RangeError(problem);
  const seed = options.seed ?? DEFAULT_SEED;
  const prng = new Prng(seed);
  const irqs = new IrqAllocator();
  const plan = new IommuPlan(options.iommus);
  const devices = new DeviceWriter(prng, plan, irqs, options.nodes);
  const out = new Lines();

  const title = `dtprobe generated SoC: ${options.nodes} devices, ${options.iommus} IOMMUs, seed ${seed}`;
  emitHeader(out, title);
  const { aliasesAt } = emitRootStart(out, prng, title);
  emitSocStart(out, irqs);
  emitIommuNodes(out, plan, irqs);
  if (options.iommus > 0) out.push("");
  emitPciHosts(out, pciHostCount(options.nodes), plan, irqs);

  for (let i = 0; i < options.nodes; i++) {
    if (i > 0 && i % DEVICES_PER_BLOCK === 0) {
      // dtc's parser cannot hold ~10,000 siblings in one block: close and reopen the bus.
      out.push(i === DEVICES_PER_BLOCK ? "\t};\n};\n" : "};\n");
      out.push("&soc {");
    } else if (i > 0) out.push("");
    devices.emit(out, i, i < DEVICES_PER_BLOCK ? "\t\t" : "\t");
  }
  out.push(options.nodes > DEVICES_PER_BLOCK ? "};" : "\t};\n};");
  out.push("");
  for (const o of devices.overrides) out.push(o);

  out.fill(aliasesAt, aliasesAndChosen(devices));
  return out.join();
}

function aliasesAndChosen(devices: DeviceWriter): string {
  const lines: string[] = [];
  if (devices.aliases.length > 0) {
    lines.push("\taliases {");
    for (const a of devices.aliases) lines.push(`\t\t${a}`);
    lines.push("\t};", "");
  }
  lines.push("\tchosen {");
  lines.push('\t\tbootargs = "earlycon iommu.strict=1";');
  if (devices.firstSerialAlias !== undefined) lines.push(`\t\tstdout-path = "${devices.firstSerialAlias}:115200n8";`);
  lines.push("\t};");
  return lines.join("\n");
}
