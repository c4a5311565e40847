// The probe emulation: driver core + of_dma_configure + IOMMU core, per kernel era and policy.
export { runProbe, EmulatedKernel } from "./engine.ts";
export { parseKernelVersion, parseBootargs, versionAtLeast, DEFAULT_KERNEL, KERNEL_RANGE, nativePolicy, resolveConfig } from "./options.ts";
export type { EraName, KernelEra, Policy, ProbeOptions, ResolvedConfig } from "./options.ts";
export type { DeviceOutcome, DeviceState, EventKind, ProbeEvent, ProbeResult } from "./types.ts";
export { matchDriver } from "./client-drivers.ts";
export { EventLog } from "./event-log.ts";
export type { DriverMatch, InitcallLevel } from "./client-drivers.ts";
export { parseScenario, checkScenario, scenarioSchema } from "./scenario-parse.ts";
export type { Scenario, ScenarioOp, ScenarioOutcome, ScenarioStep, StepOutcome } from "./scenario-types.ts";
export { splitCmdline, cmdlineProblems, boolParam, paramEq, MODELLED_BOOL_PARAMS } from "./cmdline.ts";
export type { CmdlineWord, CmdlineProblem } from "./cmdline.ts";
