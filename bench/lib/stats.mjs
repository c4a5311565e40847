// Small numeric helpers: medians and human-readable figures.

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds as `12.3 ms` / `4.56 s`. */
export function fmtTime(ms) {
  if (ms === undefined || Number.isNaN(ms)) return "n/a";
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Throughput in MB/s (10^6 bytes) of `bytes` processed in `ms`. */
export function mbPerSec(bytes, ms) {
  return ms > 0 ? bytes / 1e6 / (ms / 1000) : Infinity;
}

export function fmtRate(bytes, ms) {
  if (ms === undefined) return "n/a";
  const r = mbPerSec(bytes, ms);
  return `${r.toFixed(r < 10 ? 2 : 1)} MB/s`;
}

export function fmtBytes(n) {
  if (n === undefined) return "n/a";
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(2)} MB`;
}

export function fmtKb(kb) {
  return kb === undefined ? "n/a" : `${(kb / 1024).toFixed(1)} MiB`;
}

export function fmtRatio(a, b) {
  if (a === undefined || b === undefined || b === 0) return "n/a";
  const r = a / b;
  return `${r.toFixed(r < 10 ? 2 : r < 100 ? 1 : 0)}×`;
}
