// Reading a scenario file (`dtprobe run`, `dtprobe test`, `report --scenario`): JSON, or YAML
// through the `yaml` package, validated by schemas/scenario.schema.json with ajv; every problem is
// reported at its line and column. The inputs at the top are resolved against the file's
// directory; the steps are handed to the probe layer as its Scenario (toProbeScenario), which
// refuses, at their line, the steps the kernel model does not run yet.
import { dirname, isAbsolute, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import schema from "../../schemas/scenario.schema.json" with { type: "json" };
import type { Policy, Scenario, ScenarioOp, ScenarioStep } from "../probe/index.ts";
import { nodeFileHost, span, type DiagnosticSink, type FileHost, type Span } from "../source/index.ts";
import type { DmaBufferStep, InputPath, ModelPendingOp, ScenarioFile, ScenarioFileStep, ScenarioInputs, ScenarioStepSpans } from "./scenario-file-types.ts";
import { parseStructuredInput } from "./structured-input.ts";

/** The ops the kernel model runs today (src/probe/scenario-run.ts). */
export const MODEL_OPS = ["unbind", "bind", "remove", "vfio-claim", "vfio-attach", "vfio-release", "attach-domain", "detach-domain", "sysfs-type"] as const satisfies readonly ScenarioOp[];
// Adding an op to the probe layer's ScenarioOp fails to compile here until it is listed above
// (and taken out of ModelPendingOp), so the loader and the model never disagree.
type UnlistedModelOp = Exclude<ScenarioOp, (typeof MODEL_OPS)[number]>;
const everyModelOpListed: [UnlistedModelOp] extends [never] ? true : never = true;
void everyModelOpListed;
const modelOps: ReadonlySet<string> = new Set<string>(MODEL_OPS);

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

interface RawStep {
  op: string;
  [field: string]: unknown;
}

interface RawScenario {
  description?: string;
  board?: string;
  pci?: string;
  hw?: string;
  kconfig?: string;
  kernel?: string;
  policy?: Policy;
  bootargs?: string;
  modules?: string[];
  steps: RawStep[];
}

/** "64K", "2MiB", "0x1000", 4096 -> bytes (K, M, G are powers of 1024, as the kernel's SZ_*). */
export function parseByteSize(v: number | string): number | undefined {
  if (typeof v === "number") return v;
  const m = /^(0x[0-9a-fA-F]+|[1-9][0-9]*)([KMG](?:iB)?)?$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]!);
  const unit = m[2] ? 1024 ** ("KMG".indexOf(m[2][0]!) + 1) : 1;
  const bytes = n * unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Parses and checks a scenario file's text. `baseDir` resolves its paths (default: its directory). */
export function parseScenarioFile(text: string, fileName: string, sink: DiagnosticSink, options: { baseDir?: string } = {}): ScenarioFile | undefined {
  const input = parseStructuredInput(text, fileName, validate, "scenario", sink, ["kernel"]);
  if (!input) return undefined;
  const { value, at, format, file } = input;
  const raw = value as unknown as RawScenario;
  const before = sink.errorCount;
  const baseDir = options.baseDir ?? dirname(fileName);
  const path = (p: string | undefined): InputPath | undefined => (p === undefined ? undefined : { given: p, path: isAbsolute(p) ? p : join(baseDir, p) });
  const inputs: ScenarioInputs = {
    board: path(raw.board),
    pci: path(raw.pci),
    hw: path(raw.hw),
    kconfig: path(raw.kconfig),
    kernel: raw.kernel,
    policy: raw.policy,
    bootargs: raw.bootargs,
    modules: raw.modules ?? [],
  };
  const inputSpans = new Map<string, Span>();
  for (const k of ["board", "pci", "hw", "kconfig", "kernel", "policy", "bootargs", "modules"]) {
    const s = at(`/${k}`);
    if (s) inputSpans.set(k, s);
  }
  const spans: ScenarioStepSpans[] = raw.steps.map((step, i) => {
    const fields = new Map<string, Span>();
    for (const k of Object.keys(step)) {
      const s = at(`/steps/${i}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
      if (s) fields.set(k, s);
    }
    return { step: at(`/steps/${i}`) ?? span(file, 0, 1), fields };
  });
  const steps = raw.steps.map((s, i) => convertStep(s, spans[i]!, sink));
  checkSteps(steps as ScenarioFileStep[], spans, inputs, sink);
  if (sink.errorCount > before) return undefined;
  return { file: fileName, format, description: raw.description, inputs, steps: steps as ScenarioFileStep[], spans, inputSpans };
}

/** Reads and parses a scenario file (latin1, so that offsets are bytes as for every input). */
export function loadScenarioFile(path: string, sink: DiagnosticSink, host: FileHost = nodeFileHost): ScenarioFile | undefined {
  const text = host.readText(path);
  if (text === undefined) {
    sink.error("io", `Couldn't open "${path}": No such file or directory (or not a regular file)`);
    return undefined;
  }
  return parseScenarioFile(text, path, sink);
}

/** Sizes and addresses from their written forms; the rest of a step is the schema's shape already. */
function convertStep(step: RawStep, spans: ScenarioStepSpans, sink: DiagnosticSink): ScenarioFileStep | RawStep {
  if (step.op !== "dma-map" && step.op !== "dma-alloc") return step;
  const size = parseByteSize(step["size"] as number | string);
  if (size === undefined) sink.error("scenario", `size ${JSON.stringify(step["size"])} is too large`, spans.fields.get("size") ?? spans.step);
  const phys = step["phys"] === undefined ? undefined : BigInt(step["phys"] as number | string);
  const out: DmaBufferStep = {
    op: step.op,
    device: step["device"] as string,
    name: step["name"] as string,
    size: size ?? 0,
    count: (step["count"] as number | undefined) ?? 1,
    ...(step["mask"] !== undefined ? { mask: step["mask"] as number } : {}),
    ...(phys !== undefined ? { phys } : {}),
    ...(step["comment"] !== undefined ? { comment: step["comment"] as string } : {}),
  };
  return out;
}

/** What the schema cannot say: modules come from `modules`, buffers are released once and by their own kind, `expect` on a result follows a step. */
function checkSteps(steps: readonly ScenarioFileStep[], spans: readonly ScenarioStepSpans[], inputs: ScenarioInputs, sink: DiagnosticSink): void {
  const modules = new Set(inputs.modules);
  const buffers = new Map<string, "dma-map" | "dma-alloc">();
  steps.forEach((step, i) => {
    const where = (field: string) => spans[i]!.fields.get(field) ?? spans[i]!.step;
    const n = `step ${i + 1} (${step.op})`;
    switch (step.op) {
      case "load-module":
      case "unload-module":
        if (!modules.has(step.module)) sink.error("scenario", `${n}: ${JSON.stringify(step.module)} is not in this scenario's \`modules\``, where("module"));
        break;
      case "dma-map":
      case "dma-alloc": {
        const key = `${step.device}\u0000${step.name}`;
        if (buffers.has(key)) sink.error("scenario", `${n}: ${step.device} already has a buffer named ${JSON.stringify(step.name)}`, where("name"));
        buffers.set(key, step.op);
        break;
      }
      case "dma-unmap":
      case "dma-free": {
        const key = `${step.device}\u0000${step.name}`;
        const made = buffers.get(key);
        const want = step.op === "dma-unmap" ? "dma-map" : "dma-alloc";
        if (made !== want) sink.error("scenario", `${n}: no ${want} step made a buffer ${JSON.stringify(step.name)} on ${step.device}${made ? ` (it came from ${made})` : ""}`, where("name"));
        buffers.delete(key);
        break;
      }
      case "expect":
        if (("error" in step || "ok" in step) && i === 0) sink.error("scenario", `${n}: checks the previous step's result, but it is the first step`, spans[i]!.step);
        break;
    }
  });
}

/**
 * The probe layer's Scenario for the steps the kernel model runs. A step it does not run yet is an
 * error at its line ("not supported yet"); undefined then.
 */
export function toProbeScenario(sf: ScenarioFile, sink: DiagnosticSink): Scenario | undefined {
  const before = sink.errorCount;
  const steps: ScenarioStep[] = [];
  const spans: { step: Span; device?: Span }[] = [];
  sf.steps.forEach((step, i) => {
    if (!modelOps.has(step.op)) {
      sink.error("scenario", `step ${i + 1}: '${step.op as ModelPendingOp}' is not supported by this version of the kernel model yet`, sf.spans[i]!.fields.get("op") ?? sf.spans[i]!.step);
      return;
    }
    steps.push(step as ScenarioStep);
    spans.push({ step: sf.spans[i]!.step, device: sf.spans[i]!.fields.get("device") });
  });
  if (sink.errorCount > before) return undefined;
  return { file: sf.file, steps, spans };
}

/**
 * The same refusal for a Scenario the probe layer parsed itself (`report --scenario`): its schema
 * accepts the new steps, its runner does not run them yet.
 */
export function checkModelOps(scenario: Scenario, sink: DiagnosticSink): boolean {
  let good = true;
  scenario.steps.forEach((step, i) => {
    if (modelOps.has(step.op)) return;
    good = false;
    sink.error("scenario", `step ${i + 1}: '${step.op}' is not supported by this version of the kernel model yet`, scenario.spans[i]?.step);
  });
  return good;
}

/**
 * A scenario that names its board, checked for what a run needs from its inputs today: the
 * board, and no `kconfig` / `modules` (they need the kernel's driver tables, which this version
 * of dtprobe does not have).
 */
export function checkRunInputs(sf: ScenarioFile, sink: DiagnosticSink): sf is ScenarioFile & { inputs: { board: InputPath } } {
  let good = true;
  if (!sf.inputs.board) {
    sink.error("scenario", "a scenario run needs `board` (the .dts or .dtb it runs on, relative to the scenario)", sf.spans[0]?.step);
    good = false;
  }
  for (const k of ["kconfig", "modules"] as const) {
    if (k === "modules" ? sf.inputs.modules.length === 0 : sf.inputs.kconfig === undefined) continue;
    sink.error("scenario", `\`${k}\` needs the kernel's driver tables, which this version of dtprobe does not have yet`, sf.inputSpans.get(k));
    good = false;
  }
  return good;
}
