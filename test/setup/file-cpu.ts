// Records each test file's CPU time (the worker's own and its reaped children's: the scenario
// children the tests spawn) in the file's meta, for the slowest-files report (test/reporters/slowest-files.ts).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";

declare module "vitest" {
  interface TaskMeta {
    /** CPU milliseconds the file's tests used, user + sys, children included (Linux). */
    cpuMs?: number;
  }
}

/** user + sys of this process and its waited-for children, in ms (/proc: fields 14-17); else this process only. */
function cpuMs(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const ticks = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .slice(11, 15)
      .reduce((sum, field) => sum + Number(field), 0);
    return ticks * 10;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
}

let start = 0;
beforeAll(() => {
  start = cpuMs();
});
// biome-ignore lint/correctness/noEmptyPattern: Vitest passes the file's suite second, after a context it requires destructured.
afterAll(({}, suite) => {
  suite.meta.cpuMs = cpuMs() - start;
});
