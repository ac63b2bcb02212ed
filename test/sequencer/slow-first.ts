// Runs the slowest test files first, both projects mixed, so the two workers end together (longest
// first is close to the best split): by each file's last duration in Vitest's own cache, else by
// test/file-times.json (the per-file times of a full run, kept in the repo for fresh clones and CI),
// else first of all (a new file, whose time is not known yet).
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Where the slowest-files reporter writes every file's figures when RELAY_PROOF_TEST_TIMES names it. */
export const fileTimesPath = "test/file-times.json";

const unknown = Number.MAX_SAFE_INTEGER;

function committedTimes(root: string): Map<string, number> {
  try {
    const times = JSON.parse(readFileSync(join(root, fileTimesPath), "utf8")) as {
      file: string;
      wallMs: number;
    }[];
    return new Map(times.map((time) => [time.file, time.wallMs]));
  } catch {
    return new Map();
  }
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const committed = committedTimes(root);
    const weight = (spec: TestSpecification) => {
      const file = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`)?.duration;
      return cached ?? committed.get(file) ?? unknown;
    };
    const weighed = files.map((spec) => ({ spec, weight: weight(spec), id: spec.moduleId }));
    weighed.sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return weighed.map(({ spec }) => spec);
  }
}
