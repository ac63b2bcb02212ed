// Prints the 10 slowest test files (wall time, CPU time with the children they spawn, test count),
// so the suite's growth shows in every run; with RELAY_PROOF_TEST_TIMES=FILE it also writes every
// file's figures there as JSON.
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Reporter, TestModule, Vitest } from "vitest/node";

export interface FileTime {
  file: string;
  project: string;
  wallMs: number;
  cpuMs: number | undefined;
  tests: number;
}

const shown = 10;

export default class SlowestFilesReporter implements Reporter {
  private root = process.cwd();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const times: FileTime[] = testModules
      .map((module) => ({
        file: relative(this.root, module.moduleId),
        project: module.project.name,
        wallMs: Math.round(module.diagnostic().duration),
        cpuMs: module.meta().cpuMs,
        tests: [...module.children.allTests()].length,
      }))
      .sort((a, b) => b.wallMs - a.wallMs);
    const output = process.env.RELAY_PROOF_TEST_TIMES;
    if (output) writeFileSync(output, `${JSON.stringify(times, null, 2)}\n`);
    if (times.length === 0) return;
    const seconds = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(1));
    const total = times.reduce((sum, time) => sum + time.wallMs, 0);
    const lines = [
      `\nslowest ${Math.min(shown, times.length)} of ${times.length} test files (total ${seconds(total)} s in files):`,
    ];
    lines.push(`${"wall s".padStart(8)} ${"cpu s".padStart(7)} ${"tests".padStart(5)}  file`);
    for (const time of times.slice(0, shown)) {
      lines.push(
        `${seconds(time.wallMs).padStart(8)} ${seconds(time.cpuMs).padStart(7)} ${String(time.tests).padStart(5)}  ${time.file}`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}
