// Applies a scenario's steps to the booted emulated kernel, in order. Each step is what user space
// (sysfs writes, VFIO ioctls, modprobe), an in-kernel user (iommu_attach_group, the DMA API) or the
// hardware (a hot-plugged PCI function) does; its result is the kernel's return value, and every
// kernel message it causes lands in the event log under the stage "scenario step N". `expect`
// steps check the state between them. Each step's outcome lists what it changed (the timeline).
import { ok, type Failure, type Result } from "../../iommu/index.ts";
import { dmaMapBuffers, dmaReleaseBuffers } from "../dma/dma-api.ts";
import { letTimePass } from "../dma/iova-spaces.ts";
import type { Kernel } from "../kernel.ts";
import { ScenarioContext } from "./context.ts";
import { bind, pciAdd, releaseDmaMapping, remove, unbind } from "./device-steps.ts";
import { evaluateExpect } from "./expect.ts";
import { deferredTimeout, loadModule, unloadModule } from "./module-steps.ts";
import { changesBetween, snapshot } from "./timeline.ts";
import type { ExpectCheck, Scenario, ScenarioOutcome, ScenarioStep, StepOutcome } from "./types.ts";
import { attachDomain, detachDomain, sysfsType, vfioAttach, vfioClaim, vfioRelease } from "./user-steps.ts";

function dispatch(ctx: ScenarioContext, step: Exclude<ScenarioStep, { op: "expect" }>): Result<string> {
  const k = ctx.k;
  switch (step.op) {
    case "unbind":
      return unbind(ctx, step);
    case "bind":
      return bind(ctx, step);
    case "remove":
      return remove(ctx, step);
    case "vfio-claim":
      return vfioClaim(ctx, step);
    case "vfio-attach":
      return vfioAttach(ctx, step);
    case "vfio-release":
      return vfioRelease(ctx, step);
    case "attach-domain":
      return attachDomain(ctx, step);
    case "detach-domain":
      return detachDomain(ctx, step);
    case "sysfs-type":
      return sysfsType(ctx, step);
    case "pci-add":
      return pciAdd(ctx, step);
    case "release-dma-mapping":
      return releaseDmaMapping(ctx, step);
    case "dma-map":
    case "dma-alloc": {
      const s = ctx.device(step.device);
      if (!s.ok) return s;
      return dmaMapBuffers(k, s.value, { name: step.name, size: step.size, count: step.count, mask: step.mask, phys: step.phys, alloc: step.op === "dma-alloc" });
    }
    case "dma-unmap":
    case "dma-free": {
      const s = ctx.device(step.device);
      if (!s.ok) return s;
      return dmaReleaseBuffers(k, s.value, step.name, step.op === "dma-free");
    }
    case "load-module":
      return loadModule(ctx, step);
    case "unload-module":
      return unloadModule(ctx, step);
    case "deferred-timeout":
      return deferredTimeout(ctx);
  }
}

/** What a step acted on, for the timeline (`54200000.dc`, `group 3`, a module, a new function). */
function targetOf(step: ScenarioStep): string {
  switch (step.op) {
    case "load-module":
    case "unload-module":
      return step.module;
    case "deferred-timeout":
      return "";
    case "pci-add":
      return step.function.bdf;
    case "expect":
      return step.device ?? step.iommu ?? "previous step";
    default:
      return step.device ?? ("group" in step && step.group !== undefined ? `group ${step.group}` : "");
  }
}

/** The step as the log shows it: `bind 54200000.dc vfio-platform`. */
function describe(step: ScenarioStep): string {
  const parts: string[] = [step.op];
  const add = (v: string | number | undefined) => {
    if (v !== undefined) parts.push(String(v));
  };
  switch (step.op) {
    case "load-module":
    case "unload-module":
      add(step.module);
      break;
    case "pci-add":
      add(step.function.bdf);
      add(step.hostBridge);
      break;
    case "deferred-timeout":
    case "expect":
      add(targetOf(step) || undefined);
      break;
    case "dma-map":
    case "dma-alloc":
      add(step.device);
      add(`${step.name} ${step.count} × ${step.size}`);
      break;
    case "dma-unmap":
    case "dma-free":
    case "release-dma-mapping":
      add(step.device);
      if ("name" in step) add(step.name);
      break;
    default:
      add(step.device);
      if (step.group !== undefined) add(`group ${step.group}`);
      add(step.driver);
      if (step.domain) add(`domain ${step.domain}`);
      add(step.type);
  }
  return parts.join(" ");
}

const lineOf = (scenario: Scenario, i: number) => {
  const sp = scenario.spans[i]?.step;
  return sp ? sp.file.positionAt(sp.start).line : 0;
};

/** Runs every step; the result of each is recorded, failures do not stop the scenario. */
export function runScenario(k: Kernel, scenario: Scenario): ScenarioOutcome {
  const ctx = new ScenarioContext(k, scenario.modules ?? []);
  const steps: StepOutcome[] = [];
  let previous: StepOutcome | undefined;
  let failedExpectations = 0;
  let before = snapshot(k);
  scenario.steps.forEach((step, i) => {
    k.log.stage = `scenario step ${i + 1}`;
    k.log.emit("note", null, "info", `step ${i + 1}: ${describe(step)}${step.comment ? ` (${step.comment})` : ""}`, "scenario");
    let result: Result<string>;
    let checks: readonly ExpectCheck[] | undefined;
    if (step.op === "expect") {
      const e = evaluateExpect(ctx, step, previous);
      checks = e.checks;
      if (!e.holds) failedExpectations++;
      result = e.holds ? ok(e.message) : { ok: false, failure: { errno: "-EINVAL", where: "expect", message: e.message } };
    } else result = dispatch(ctx, step);
    const f: Failure | null = result.ok ? null : result.failure;
    const message = result.ok ? result.value : f!.message;
    const expectFailed = step.op === "expect" && !result.ok;
    k.log.emit("note", null, result.ok ? "info" : "err", `step ${i + 1}: ${result.ok ? "ok" : expectFailed ? "expectation failed" : `${f!.errno} (${f!.where})`}: ${message}`, "scenario");
    // Time passes between steps: flush-queue timers fire, the IOVA depot is trimmed.
    letTimePass(k.iommu.domains);
    const after = snapshot(k);
    const outcome: StepOutcome = {
      step: i + 1,
      line: lineOf(scenario, i),
      op: step.op,
      target: targetOf(step),
      ok: result.ok,
      // An expectation that does not hold is not a kernel error: no errno.
      errno: expectFailed ? null : (f?.errno ?? null),
      where: expectFailed ? "expect" : (f?.where ?? null),
      message,
      changes: changesBetween(k, before, after),
      ...(checks ? { checks } : {}),
    };
    before = after;
    steps.push(outcome);
    if (step.op !== "expect") previous = outcome;
  });
  return { file: scenario.file, steps, failedExpectations };
}
