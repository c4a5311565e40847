// PLACEHOLDER (replaced before the branch is finished): module loading.
import { fail, type Result } from "../../iommu/index.ts";
import type { ScenarioContext } from "./context.ts";
import type { ModuleStep } from "./types.ts";

export function loadModule(_ctx: ScenarioContext, step: ModuleStep): Result<string> {
  return fail("-EOPNOTSUPP", "load-module", `${step.module}: not yet`);
}
export function unloadModule(_ctx: ScenarioContext, step: ModuleStep): Result<string> {
  return fail("-EOPNOTSUPP", "unload-module", `${step.module}: not yet`);
}
export function deferredTimeout(_ctx: ScenarioContext): Result<string> {
  return fail("-EOPNOTSUPP", "deferred-timeout", "not yet");
}
