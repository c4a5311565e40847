// `npm run fuzz [-- --sources N --blobs N --seed S --timeout MS]`: the long robustness campaign.
// Each case runs in a worker with a watchdog; a case that outlives the timeout is a hang. Prints
// the figures recorded in docs/robustness.md and exits non-zero on any crash, hang or
// unpositioned error.
import { Worker } from "node:worker_threads";
import { corruptBlob, mutateText, Rng } from "./mutate.ts";
import type { CaseVerdict } from "./run-case.ts";
import { blobSeeds, sourceSeeds } from "./seeds.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Case {
  readonly id: number;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly format: "dts" | "dtb";
}

function* cases(sources: number, blobs: number, seed: number): Generator<Case> {
  const rng = new Rng(seed);
  const srcSeeds = sourceSeeds({ includeBoards: true });
  const blobSeedList = blobSeeds();
  let id = 0;
  for (let i = 0; i < sources && srcSeeds.length > 0; i++) {
    const s = rng.pick(srcSeeds);
    yield { id: id++, name: s.name, bytes: Buffer.from(mutateText(Buffer.from(s.bytes).toString("latin1"), rng), "latin1"), format: "dts" };
  }
  for (let i = 0; i < blobs && blobSeedList.length > 0; i++) {
    const s = rng.pick(blobSeedList);
    yield { id: id++, name: s.name, bytes: corruptBlob(s.bytes, rng), format: "dtb" };
  }
}

async function main(): Promise<void> {
  const sources = arg("sources", 10_000);
  const blobs = arg("blobs", 10_000);
  const seed = arg("seed", 20261123);
  const timeoutMs = arg("timeout", 10_000);
  const counts = new Map<string, number>();
  const failures: string[] = [];
  const started = performance.now();
  const spawnWorker = () => new Worker(new URL("./campaign-worker.mjs", import.meta.url));
  let worker = spawnWorker();
  let slowest = 0;
  for (const c of cases(sources, blobs, seed)) {
    const t0 = performance.now();
    const verdict = await new Promise<CaseVerdict | "hang">((resolve) => {
      const timer = setTimeout(() => resolve("hang"), timeoutMs);
      worker.once("message", (m: { verdict: CaseVerdict }) => {
        clearTimeout(timer);
        resolve(m.verdict);
      });
      worker.postMessage(c);
    });
    slowest = Math.max(slowest, performance.now() - t0);
    const kind = verdict === "hang" ? "hang" : verdict.kind;
    const key = `${c.format}:${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (verdict === "hang") {
      failures.push(`#${c.id} ${c.format} (${c.name}): hang (> ${timeoutMs} ms)`);
      await worker.terminate();
      worker = spawnWorker();
    } else if (verdict.kind === "crash" || verdict.kind === "unpositioned") {
      failures.push(`#${c.id} ${c.format} (${c.name}): ${verdict.kind}: ${verdict.detail.split("\n")[0]}`);
    }
  }
  await worker.terminate();
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz campaign: seed ${seed}, ${sources} mutated sources, ${blobs} corrupted blobs, ${seconds.toFixed(1)} s, slowest case ${slowest.toFixed(0)} ms`);
  for (const [k, v] of [...counts].sort()) console.log(`  ${k.padEnd(20)} ${v}`);
  console.log(`  failures             ${failures.length}`);
  for (const f of failures.slice(0, 50)) console.log(`    ${f}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

await main();
