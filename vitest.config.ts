import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./test/sequencer/slow-first.ts";

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.e2e.test.ts"] },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["test/**/*.e2e.test.ts"] },
      },
    ],
    // The closing `tests: ...` line stays last: CI parses it.
    reporters: ["default", "./test/reporters/slowest-files.ts", "./test/reporters/summary-line.ts"],
    globalSetup: ["./test/setup/private-cache.ts", "./test/setup/fixture-cache.ts"],
    setupFiles: ["./test/setup/file-cpu.ts"],
    // The slowest files first, so both workers end together (test/file-times.json on a fresh clone).
    sequence: { sequencer: SlowFirstSequencer },
    // vi.stubEnv (the secrets tests) is undone after each test.
    unstubEnvs: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Scenario tests spawn Node children; two cores, so keep file-level parallelism modest.
    maxWorkers: 2,
    coverage: { provider: "v8", include: ["src/**/*.ts"] },
  },
});
