// A fixture's golden pair (text and JSON report) beside its .dts in fixtures/kernel/.
import { expect } from "vitest";
import { renderReportText, type Report } from "../../../src/report/index.ts";
import { projectDir } from "./run.ts";

export async function fixtureGolden(report: Report, stem: string): Promise<void> {
  const dir = `${projectDir}fixtures/kernel/`;
  await expect(renderReportText(report)).toMatchFileSnapshot(`${dir}${stem}.txt`);
  await expect(JSON.stringify(report, null, 1) + "\n").toMatchFileSnapshot(`${dir}${stem}.json`);
}
