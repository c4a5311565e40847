// The machine line printed at the top of every run, so figures are never read without it.
import { spawnSync } from "node:child_process";
import { cpus, totalmem, release } from "node:os";

export function dtcVersion(dtc) {
  const r = spawnSync(dtc, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout || r.stderr).trim().replace(/^Version:\s*/, "");
}

export function machineLine(dtc) {
  const cpu = cpus();
  const model = cpu[0]?.model?.trim() ?? "unknown cpu";
  const dtcText = dtcVersion(dtc) ?? "dtc not found";
  return `Machine: ${model}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}, node ${process.version}, ${dtcText}`;
}
