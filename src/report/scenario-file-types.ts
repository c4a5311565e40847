// A scenario file as `dtprobe run` and `dtprobe test` read it (schemas/scenario.schema.json): the
// inputs at the top, then the steps (the probe layer's ScenarioStep, whose field names are the
// schema's contract).
import type { Policy, ScenarioOp, ScenarioStep } from "../probe/index.ts";
import type { Span } from "../source/index.ts";

export { ERRNO_NAMES } from "../probe/index.ts";
export type {
  DeferredTimeoutStep,
  DmaBufferStep,
  DmaReleaseStep,
  ErrnoName,
  ExpectDeviceStep,
  ExpectDomainType,
  ExpectInstanceStep,
  ExpectResultStep,
  ExpectState,
  ExpectStep,
  ModuleStep,
  PciAddStep,
  ReleaseDmaMappingStep,
} from "../probe/index.ts";

/** A scenario file's steps are the probe layer's (src/probe/scenario/types.ts). */
export type ScenarioFileStep = ScenarioStep;
export type ScenarioFileOp = ScenarioOp;

/** A path from the file, as written and resolved against the scenario's directory. */
export interface InputPath {
  readonly given: string;
  readonly path: string;
}

export interface ScenarioInputs {
  readonly board?: InputPath;
  readonly pci?: InputPath;
  readonly hw?: InputPath;
  readonly kconfig?: InputPath;
  readonly kernel?: string;
  readonly policy?: Policy;
  readonly bootargs?: string;
  /** No driver table: every DT device has an assumed built-in driver (report --assume-drivers). */
  readonly assumeDrivers: boolean;
  /** Driver names built as modules. */
  readonly modules: readonly string[];
}

export interface ScenarioStepSpans {
  /** The step object. */
  readonly step: Span;
  /** Each field's value, by name (`device`, `module`, `size`, ...). */
  readonly fields: ReadonlyMap<string, Span>;
}

export interface ScenarioFile {
  /** The file name as given. */
  readonly file: string;
  readonly format: "json" | "yaml";
  readonly description?: string;
  readonly inputs: ScenarioInputs;
  readonly steps: readonly ScenarioFileStep[];
  readonly spans: readonly ScenarioStepSpans[];
  /** Where each input field's value is (`board`, `kernel`, `modules`...). */
  readonly inputSpans: ReadonlyMap<string, Span>;
}
