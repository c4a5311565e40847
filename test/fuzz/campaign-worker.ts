// Worker side of `npm run fuzz`: receives cases, runs them in-process, reports verdicts. Runs in
// a worker so the campaign can kill and replace it when a case hangs.
import { parentPort } from "node:worker_threads";
import { runCase } from "./run-case.ts";

parentPort!.on("message", (msg: { id: number; name: string; bytes: Uint8Array; format: "dts" | "dtb" }) => {
  const verdict = runCase(msg.name, msg.bytes, msg.format);
  parentPort!.postMessage({ id: msg.id, verdict });
});
