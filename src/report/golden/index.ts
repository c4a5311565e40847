// Golden-file tests for boards (`dtprobe test`): finding cases, running and comparing them.
export { boardOptionsSchema, findGoldenCases, parseBoardOptions } from "./cases.ts";
export type { BoardOptionsFile, FoundCases, GoldenCase, GoldenCaseKind } from "./cases.ts";
export { checkGoldenCase, renderGoldens, runGoldenCase } from "./run.ts";
export type { GoldenResult, GoldenStatus, RenderedGoldens } from "./run.ts";
export { goldenDiff } from "./diff.ts";
export { runGoldenSuite } from "./suite.ts";
export type { GoldenSuiteRun } from "./suite.ts";
