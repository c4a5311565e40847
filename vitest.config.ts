import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Conformance suites run real dtc/cpp as child processes: give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
