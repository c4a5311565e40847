// The probe emulation: the driver core, of_dma_configure / of_iommu_configure, DMA ops and the
// client drivers over the IOMMU core, booted per kernel era and policy; runtime scenarios after boot.
export { runProbe } from "./run.ts";
export { bootKernel } from "./boot/initcalls.ts";
export { probeResult } from "./result.ts";
export { parseBootargs, DEFAULT_KERNEL, nativePolicy, resolveConfig } from "./options.ts";
export { parseKernelVersion, KERNEL_RANGE } from "../kernel/index.ts";
export type { EraName, KernelEra } from "../kernel/index.ts";
export type { Policy, ProbeOptions, ResolvedConfig } from "./options.ts";
export { splitCmdline, cmdlineProblems, boolParam, paramEq, MODELLED_BOOL_PARAMS } from "./cmdline.ts";
export type { CmdlineWord, CmdlineProblem } from "./cmdline.ts";
export type { DeviceOutcome, DeviceState, EventKind, ProbeEvent, ProbeResult } from "./types.ts";
export type { Aggregate, ClientDriver, DevState, DriverMatch, InitcallLevel, Kernel, OwnDomainSpec } from "./kernel.ts";
export { CLIENT_DRIVERS, childPopulatingDriver } from "./drivers/table.ts";
export { matchDriver } from "./drivers/match.ts";
export { DriverCatalog, driverCatalogFor, driverCatalogForSource, driverTablesForSource } from "./drivers/catalog.ts";
export type { DriverTableRequest, KernelDataInfo } from "./drivers/catalog.ts";
export { childRegisteringDriver } from "./drivers/registered-children.ts";
export { EventLog } from "./event-log.ts";
export { ASSUMED_DRIVER_PREFIX } from "./log.ts";
export { parseScenario, checkScenario, scenarioSchema, parseByteSize, normaliseStep } from "./scenario/parse.ts";
export type { RawStep } from "./scenario/parse.ts";
export { runScenario } from "./scenario/run.ts";
export { ERRNO_NAMES } from "./scenario/types.ts";
export type {
  BasicOp,
  BasicStep,
  DeferredTimeoutStep,
  DmaBufferStep,
  DmaReleaseStep,
  ErrnoName,
  ExpectCheck,
  ExpectDeviceStep,
  ExpectDomainType,
  ExpectInstanceStep,
  ExpectResultStep,
  ExpectState,
  ExpectStep,
  ModuleStep,
  PciAddStep,
  ReleaseDmaMappingStep,
  Scenario,
  ScenarioOp,
  ScenarioOutcome,
  ScenarioStep,
  StateChange,
  StepOutcome,
} from "./scenario/types.ts";
export { deviceBuffers } from "./dma/dma-api.ts";
export type { DeviceBuffers } from "./dma/dma-api.ts";
export { iovaSpaceUsed } from "./dma/iova-spaces.ts";
