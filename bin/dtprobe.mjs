#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run by `npm ci` through `prepare`).
import "../dist/dtprobe.mjs";
