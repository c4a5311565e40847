#!/usr/bin/env node
// `node bin/dtprobe.mjs ...` as before: the launcher is bin/dtprobe.cjs (the package's bin), which
// starts faster as CommonJS (see there).
import "./dtprobe.cjs";
