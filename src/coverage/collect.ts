// --coverage for one run: where the scenario's and the shards' coverage go while they run, and the
// change-coverage picture made from them afterwards.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { resolveCommit } from "../checkout/git.ts";
import { makeTempDir } from "../process/temp-dir.ts";
import type { ShardCoverage } from "../shards/run-shard.ts";
import { type ChangeCoverage, computeChangeCoverage } from "./change-coverage.ts";
import { type ChangedLines, changedLines, isSourceFile } from "./changed-lines.ts";
import { readIstanbulLines } from "./istanbul-lines.ts";
import type { ReachFacts } from "./reach.ts";
import { readV8Lines } from "./v8-lines.ts";

/** What the engine knows of the scenario's reach: declared limits, the CLI, why its bundle has no maps. */
export interface ReachInput {
  declared: ReachFacts["declared"];
  cli: ReachFacts["cli"];
  /** Why the hook commands' bundle may have no source maps (e.g. a build relay-proof did not make). */
  mapsMissing: string | undefined;
}

/** The first few of `paths`, relative to `root`: `dist/a.js, dist/b.js, ...`. */
function named(paths: Set<string>, root: string): string {
  const shown = [...paths]
    .sort()
    .slice(0, 3)
    .map((path) => relative(root, path));
  return paths.size > shown.length ? `${shown.join(", ")}, ...` : shown.join(", ");
}

/** The build output a hook command runs, under the checkout the scenario runs in. */
const buildOutputs = ["dist", "dist-runtime"];

export interface CoverageRun {
  /** Where the scenario child and its hook commands write their V8 coverage. */
  scenarioDir: string;
  /** Repo-relative files measured: the changed files and the proof's module files. */
  include: string[];
  /** For the shards; undefined when the checkout has no coverage provider. */
  tests: ShardCoverage | undefined;
  testsNotMeasured: string | undefined;
  base: string | undefined;
  changed: ChangedLines | undefined;
  moduleFiles: string[];
  finish(input: {
    root: string;
    scenarioRoot: string;
    testsRan: boolean;
    reach?: ReachInput;
  }): ChangeCoverage;
  remove(): void;
}

/** The proof's module and its siblings named after it (V3 splits it into `<name>-*.ts`), tests excluded. */
export function moduleFiles(root: string, modulePath: string): string[] {
  const dir = dirname(modulePath);
  const stem = basename(modulePath).replace(/\.[cm]?tsx?$/, "");
  const siblings = existsSync(dir)
    ? readdirSync(dir).filter((name) => name.startsWith(`${stem}-`) && isSourceFile(name))
    : [];
  return [modulePath, ...siblings.map((name) => join(dir, name))].map((file) => relative(root, file)).sort();
}

/** The checkout's own Vitest coverage provider, or why the tests' coverage cannot be measured. */
function providerMissing(root: string): string | undefined {
  return existsSync(join(root, "node_modules", "@vitest", "coverage-v8", "package.json"))
    ? undefined
    : "not measured: the checkout has no @vitest/coverage-v8";
}

export async function startCoverage(options: {
  root: string;
  modulePath: string;
  /** The commit to diff against (--coverage with compare's base or run --changed BASE). */
  base: string | undefined;
  head: string;
  dirty: boolean;
}): Promise<CoverageRun> {
  const base = options.base ? await resolveCommit(options.root, options.base) : undefined;
  const changed = base
    ? await changedLines(options.root, base, options.dirty ? undefined : options.head)
    : undefined;
  const modules = moduleFiles(options.root, options.modulePath);
  const dir = makeTempDir("relay-proof-coverage-");
  mkdirSync(join(dir.path, "scenario"));
  const missing = providerMissing(options.root);
  const include = [...new Set([...(changed?.keys() ?? []), ...modules])];
  const run: CoverageRun = {
    scenarioDir: join(dir.path, "scenario"),
    include,
    tests: missing ? undefined : { dir: join(dir.path, "tests"), include },
    testsNotMeasured: missing,
    base,
    changed,
    moduleFiles: modules,
    finish({ root, scenarioRoot, testsRan, reach }) {
      const files = [...include].map((file) => join(scenarioRoot, file));
      const testLines = testsRan && run.tests ? readIstanbulLines(run.tests.dir) : undefined;
      let notMeasured = missing ?? (testsRan ? undefined : "not measured: the focused tests did not run");
      // Vitest can write an empty report (e.g. a root config of projects with --project): that is
      // "not measured", never zero lines hit.
      if (testLines && testLines.size === 0) {
        notMeasured =
          testLines.reports === 0
            ? "not measured: Vitest wrote no coverage report"
            : "not measured: Vitest's coverage came back empty (with --project on a root config of projects it measures nothing; a repo test router that names the owning config avoids it)";
        // (A repo config's coverage.exclude is overridden in the shards' flags, so it is not the cause.)
      }
      const partial =
        testLines && testLines.size > 0 && testLines.empty > 0
          ? [
              `${testLines.empty} of ${testLines.reports} Vitest invocations wrote an empty coverage report: the tests' counts are a lower bound`,
            ]
          : [];
      const scenarioLines = readV8Lines(
        run.scenarioDir,
        files,
        buildOutputs.map((dir) => join(scenarioRoot, dir)),
      );
      const bundles = scenarioLines.unmappedBundles.size;
      // The child writes its own coverage when it finishes; killed (a timeout), it wrote none.
      const childWrote =
        existsSync(run.scenarioDir) &&
        readdirSync(run.scenarioDir).some((name) => name.startsWith("coverage-child-"));
      if (!childWrote)
        partial.push(
          "the scenario child wrote no coverage (killed at a timeout, or crashed): only the hook commands' lines are counted",
        );
      const why = reach?.mapsMissing ? ` (${reach.mapsMissing})` : "";
      if (bundles > 0)
        partial.push(
          `the hook commands ran ${bundles} build output file(s) without a source map beside them${why}: the lines of the CLI they ran there are not counted (${named(scenarioLines.unmappedBundles, scenarioRoot)})`,
        );
      const result = computeChangeCoverage({
        root,
        scenarioRoot,
        base,
        changed,
        moduleFiles: modules,
        scenarioLines,
        testLines: notMeasured ? undefined : testLines,
        testsNotMeasured: notMeasured,
        reach: {
          declared: reach?.declared ?? {},
          cli: reach?.cli,
          unmappedBundles: { files: bundles, why: reach?.mapsMissing },
          childWroteCoverage: childWrote,
        },
      });
      result.notes.push(...partial);
      return result;
    },
    remove: () => dir.remove(),
  };
  return run;
}
