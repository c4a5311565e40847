// Runs a child process and measures it: wall time (from spawn to exit, as a user waits for it)
// and peak resident memory. Peak memory comes from GNU `/usr/bin/time -v` when installed;
// otherwise from polling /proc/<pid>/status (VmHWM, a high-water mark, so the last reading before
// exit is close to the true peak for anything running longer than a few polls).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { median } from "./stats.mjs";

export const GNU_TIME = existsSync("/usr/bin/time") && spawnSync("/usr/bin/time", ["-v", "true"]).status === 0 ? "/usr/bin/time" : undefined;

const TIME_REPORT_START = /^\s*Command (being timed|exited with non-zero status|terminated by signal)/m;

function readHwmKb(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One run. Resolves to { ms, cpuMs, status, signal, timedOut, stderr, maxRssKb }. The child gets its own
 * process group so that a timeout kills it and anything it started (and GNU time's child).
 */
export function runOnce(cmd, args, { timeoutMs = 600_000, cwd } = {}) {
  return new Promise((resolve) => {
    const argv = GNU_TIME ? ["-v", cmd, ...args] : args;
    const start = process.hrtime.bigint();
    const child = spawn(GNU_TIME ?? cmd, argv, { cwd, stdio: ["ignore", "ignore", "pipe"], detached: true });
    let stderr = "";
    child.stderr.setEncoding("latin1");
    child.stderr.on("data", (d) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    let polledKb;
    const poll = GNU_TIME ? undefined : setInterval(() => {
      const kb = readHwmKb(child.pid);
      if (kb !== undefined) polledKb = Math.max(polledKb ?? 0, kb);
    }, 5);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ ms: NaN, status: undefined, signal: undefined, timedOut: false, stderr: String(e.message), maxRssKb: undefined });
    });
    child.on("close", (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let status = code;
      let maxRssKb = polledKb;
      /** CPU time (user + system, children included), from GNU time: 10 ms steps. */
      let cpuMs;
      if (GNU_TIME) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        maxRssKb = m ? Number(m[1]) : undefined;
        const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
        const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
        if (user && system) cpuMs = (Number(user[1]) + Number(system[1])) * 1000;
        const sig = /Command terminated by signal (\d+)/.exec(stderr);
        if (sig) signal = `signal ${sig[1]}`;
        const cut = stderr.search(TIME_REPORT_START);
        if (cut >= 0) stderr = stderr.slice(0, cut);
      }
      resolve({ ms, cpuMs, status, signal, timedOut, stderr, maxRssKb });
    });
  });
}

/**
 * Several runs of the same command: `warmup` untimed, then up to `runs` timed. When the first
 * timed run is slower than `slowMs`, only `slowRuns` are taken (dtc's quadratic sizes). Stops at
 * the first failure. Resolves to { ms (median), runs: [ms…], maxRssKb (max), ok, failure }.
 */
export async function measure(cmd, args, { runs = 5, warmup = 1, slowMs = 5000, slowRuns = 3, timeoutMs, cwd, okStatus = [0] } = {}) {
  for (let k = 0; k < warmup; k++) {
    const r = await runOnce(cmd, args, { timeoutMs, cwd });
    if (failed(r, okStatus)) return failure(r);
    if (r.ms > slowMs) break; // warming up a slow command only costs time
  }
  const times = [];
  let maxRssKb;
  let want = runs;
  let stderr = "";
  for (let k = 0; k < want; k++) {
    const r = await runOnce(cmd, args, { timeoutMs, cwd });
    if (failed(r, okStatus)) return failure(r, times);
    times.push(r.ms);
    stderr = r.stderr;
    if (r.maxRssKb !== undefined) maxRssKb = Math.max(maxRssKb ?? 0, r.maxRssKb);
    if (k === 0 && r.ms > slowMs) want = Math.min(runs, slowRuns);
  }
  return { ok: true, ms: median(times), runs: times, maxRssKb, stderr };
}

function failed(r, okStatus) {
  return r.timedOut || r.signal || !okStatus.includes(r.status);
}

function failure(r, times = []) {
  // Prefer the line that names the error (node prints a source excerpt before it).
  const lines = r.stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const firstLine = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? "";
  const why = r.timedOut ? "timed out" : r.signal ? `killed by ${r.signal}` : r.status === undefined ? `could not start: ${firstLine}` : `exit ${r.status}: ${firstLine}`;
  return { ok: false, ms: undefined, runs: times, maxRssKb: r.maxRssKb, failure: why.slice(0, 160), stderr: r.stderr };
}
