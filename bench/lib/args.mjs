// Command line of bench/run.mjs.

export const SECTIONS = ["frontend", "compile", "stress", "report", "corpus", "startup"];

export const USAGE = `usage: node bench/run.mjs [options]     (npm run bench builds dist/ first)
  --full            also run dtc above 8,000 devices (it is quadratic: 32,000 takes many minutes)
  --quick           smaller inputs and fewer runs (a smoke test of the harness, not figures to quote)
  --runs N          timed runs per figure (default 5; slow commands take 3)
  --warmup N        untimed runs before timing (default 2 in-process, 1 per command)
  --only LIST       comma-separated sections: ${SECTIONS.join(", ")}
  --lib FILE        library bundle (default dist/lib.mjs)
  --cli FILE        CLI launcher (default bin/dtprobe.mjs)
  --dtc FILE        dtc binary (default dtc on PATH)
  --out DIR         where inputs, outputs and results go (default bench-out/)
  --timeout SEC     per-process time limit (default 1800)
  -h, --help        this text`;

export function parseBenchArgs(argv, root) {
  const o = {
    full: false,
    quick: false,
    runs: 5,
    warmup: undefined,
    only: new Set(SECTIONS),
    lib: `${root}/dist/lib.mjs`,
    cli: `${root}/bin/dtprobe.mjs`,
    dtc: "dtc",
    out: `${root}/bench-out`,
    timeoutMs: 1_800_000,
    help: false,
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const value = () => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const count = () => {
      const v = value();
      if (!/^[0-9]+$/.test(v)) throw new Error(`${a} wants a number, not '${v}'`);
      return Number(v);
    };
    switch (a) {
      case "--full": o.full = true; break;
      case "--quick": o.quick = true; break;
      case "--runs": o.runs = Math.max(1, count()); break;
      case "--warmup": o.warmup = count(); break;
      case "--only": {
        const list = value().split(",").filter(Boolean);
        for (const s of list) if (!SECTIONS.includes(s)) throw new Error(`unknown section '${s}' (${SECTIONS.join(", ")})`);
        o.only = new Set(list);
        break;
      }
      case "--lib": o.lib = value(); break;
      case "--cli": o.cli = value(); break;
      case "--dtc": o.dtc = value(); break;
      case "--out": o.out = value(); break;
      case "--timeout": o.timeoutMs = count() * 1000; break;
      case "-h": case "--help": o.help = true; break;
      default: throw new Error(`unknown option '${a}'`);
    }
  }
  if (o.quick && !argv.includes("--runs")) o.runs = 3;
  // Input sizes. The full set is what docs/performance.md reports; --quick only checks the harness.
  o.sizes = o.quick
    ? { frontend: 5000, compile: [1000, 2000, 4000, 8000], dtcMax: 2000, report: [2000, 20000], siblings: 20000, depth: 10000, iommus: 8 }
    : { frontend: 20000, compile: [1000, 2000, 4000, 8000, 32000], dtcMax: o.full ? Infinity : 8000, report: [20000, 200000], siblings: 100000, depth: 10000, iommus: 8 };
  return o;
}
