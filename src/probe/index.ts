// The probe emulation: the driver core, of_dma_configure / of_iommu_configure, DMA ops and the
// client drivers over the IOMMU core, booted per kernel era and policy; runtime scenarios after boot.
export { runProbe } from "./run.ts";
export { bootKernel } from "./boot/initcalls.ts";
export { probeResult } from "./result.ts";
export { parseBootargs, DEFAULT_KERNEL, nativePolicy, resolveConfig } from "./options.ts";
export { parseKernelVersion } from "../kernel/index.ts";
export type { EraName, KernelEra } from "../kernel/index.ts";
export type { Policy, ProbeOptions, ResolvedConfig } from "./options.ts";
export type { DeviceOutcome, DeviceState, EventKind, ProbeEvent, ProbeResult } from "./types.ts";
export type { Aggregate, ClientDriver, DevState, DriverMatch, InitcallLevel, Kernel, OwnDomainSpec } from "./kernel.ts";
export { CLIENT_DRIVERS, childPopulatingDriver } from "./drivers/table.ts";
export { matchDriver } from "./drivers/match.ts";
export { DriverCatalog, driverCatalogFor, driverCatalogForSource } from "./drivers/catalog.ts";
export type { DriverTableRequest, KernelDataInfo } from "./drivers/catalog.ts";
export { EventLog } from "./event-log.ts";
export { ASSUMED_DRIVER_PREFIX } from "./log.ts";
export { parseScenario, checkScenario, scenarioSchema } from "./scenario/parse.ts";
export { runScenario } from "./scenario/run.ts";
export type { Scenario, ScenarioOp, ScenarioOutcome, ScenarioStep, StepOutcome } from "./scenario/types.ts";
