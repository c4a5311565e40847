// Reading a scenario file (`dtprobe run`, `dtprobe test`, `report --scenario`): JSON, or YAML
// through the `yaml` package, validated by schemas/scenario.schema.json with ajv; every problem is
// reported at its line and column. The inputs at the top are resolved against the file's
// directory; the steps are handed to the probe layer as its Scenario (toProbeScenario).
import { dirname, isAbsolute, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import schema from "../../schemas/scenario.schema.json" with { type: "json" };
import { normaliseStep, parseByteSize, type Policy, type RawStep, type Scenario } from "../probe/index.ts";
import { nodeFileHost, span, type DiagnosticSink, type FileHost, type Span } from "../source/index.ts";
import type { InputPath, ScenarioFile, ScenarioFileStep, ScenarioInputs, ScenarioStepSpans } from "./scenario-file-types.ts";
import { parseStructuredInput } from "./structured-input.ts";

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

interface RawScenario {
  description?: string;
  board?: string;
  pci?: string;
  hw?: string;
  kconfig?: string;
  kernel?: string;
  policy?: Policy;
  bootargs?: string;
  assumeDrivers?: boolean;
  modules?: string[];
  steps: RawStep[];
}

export { parseByteSize };

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
    assumeDrivers: raw.assumeDrivers ?? false,
    modules: raw.modules ?? [],
  };
  const inputSpans = new Map<string, Span>();
  for (const k of ["board", "pci", "hw", "kconfig", "kernel", "policy", "bootargs", "assumeDrivers", "modules"]) {
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
  const steps = raw.steps.map((s, i) => normaliseStep(s, (size) => sink.error("scenario", `size ${JSON.stringify(size)} is too large`, spans[i]!.fields.get("size") ?? spans[i]!.step)));
  checkSteps(steps, spans, inputs, sink);
  if (sink.errorCount > before) return undefined;
  return { file: fileName, format, description: raw.description, inputs, steps, spans, inputSpans };
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

/** The probe layer's Scenario: the steps with the spans diagnostics point at, and the modules. */
export function toProbeScenario(sf: ScenarioFile): Scenario {
  return {
    file: sf.file,
    steps: sf.steps,
    spans: sf.steps.map((_, i) => ({ step: sf.spans[i]!.step, device: sf.spans[i]!.fields.get("device") })),
    modules: sf.inputs.modules,
  };
}

/** A scenario that names its board, checked for what a run needs from its inputs: the board, and not both `kconfig` and `assumeDrivers`. */
export function checkRunInputs(sf: ScenarioFile, sink: DiagnosticSink): sf is ScenarioFile & { inputs: { board: InputPath } } {
  let good = true;
  if (!sf.inputs.board) {
    sink.error("scenario", "a scenario run needs `board` (the .dts or .dtb it runs on, relative to the scenario)", sf.spans[0]?.step);
    good = false;
  }
  if (sf.inputs.kconfig !== undefined && sf.inputs.assumeDrivers) {
    sink.error("scenario", "`assumeDrivers: true` cannot be combined with `kconfig` (a configuration of the driver tables)", sf.inputSpans.get("assumeDrivers") ?? sf.inputSpans.get("kconfig"));
    good = false;
  }
  return good;
}
