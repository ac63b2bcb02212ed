// One proof at one checkout, stage by stage: target (module, Node, tsx, CLI) -> scenario -> shards
// -> coverage -> result. Each stage is a function of its own below; proveTarget only sequences them.
import { join, relative } from "node:path";
import { type PreparedCli, prepareCli } from "../checkout/cli/prepare.ts";
import { loaderCacheDir, tsxCacheName } from "../checkout/loader-cache.ts";
import { locateModule } from "../checkout/module-path.ts";
import { type NodeToolchain, resolveNode } from "../checkout/node-toolchain.ts";
import type { Target } from "../checkout/open-target.ts";
import { resolveTsxLoader, type TsxLoader } from "../checkout/tsx-loader.ts";
import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import { type CoverageRun, startCoverage } from "../coverage/collect.ts";
import { throwIfInterrupted } from "../process/interrupted.ts";
import { assembleResult, type Provenance } from "../result/assemble-result.ts";
import type { ProofResult } from "../result/types.ts";
import type { LoadedDefinition } from "../scenario/load-definition.ts";
import {
  emptyScenarioResult,
  emptySection,
  foldSections,
  runScenario,
  type ScenarioResult,
} from "../scenario/run-scenario.ts";
import { runTests, type TestsResult } from "../shards/run-tests.ts";
import { startEarly } from "./early-tests.ts";
import { defaultTestsTimeoutMs, defaultTimeoutMs, type RunProofOptions } from "./run-options.ts";

/** What the scenario runs with: the target's Node and tsx, and the CLI its hook commands reach. */
interface Toolchain {
  node: NodeToolchain;
  tsx: TsxLoader;
  prepared: PreparedCli;
}

async function prepareToolchain(
  options: RunProofOptions,
  target: Target,
  provenance: Provenance,
): Promise<Toolchain> {
  const { timeline } = provenance;
  const node = await timeline.time("node", () =>
    resolveNode({
      engines: target.packageJson?.engines?.node,
      nodeFlag: options.node,
      provision: options.provision ?? true,
      onProgress: options.onProgress,
      signal: options.signal,
    }),
  );
  if (!node.satisfies) {
    options.onProgress?.(`warning: Node ${node.version} does not satisfy engines.node "${node.engines}"`);
  }
  const tsx = resolveTsxLoader(target.root);
  const cliStarted = Date.now();
  const prepared = await timeline.time("cli", () =>
    prepareCli({
      root: target.root,
      head: target.head,
      dirty: target.dirty,
      modulesRoot: provenance.modulesRoot ?? target.root,
      nodePath: node.path,
      build: options.build ?? false,
      buildMode: options.buildMode,
      // The hook commands' coverage of a bundle maps back to TypeScript through them.
      sourceMaps: Boolean(options.coverage),
      tsx,
      cliFlag: options.cli,
      passEnv: options.passEnv,
      onProgress: options.onProgress,
      signal: options.signal,
    }),
  );
  // The build's steps ran one after another inside the cli stage; a cached build ran none (its
  // entry remembers the steps of the run that built it, which are not this run's time).
  let stepStarted = cliStarted;
  for (const step of prepared.build?.cached ? [] : (prepared.build?.steps ?? [])) {
    const script = step.command.find((arg) => /\.(m?js|ts)$/.test(arg)) ?? step.command.join(" ");
    timeline.add(`build ${script}`, stepStarted, step.durationMs);
    stepStarted += step.durationMs;
  }
  return { node, tsx, prepared };
}

function coverageBase(options: RunProofOptions): string | undefined {
  const explicit = typeof options.coverage === "object" ? options.coverage.base : undefined;
  return explicit ?? (options.tests ? options.tests.changed : undefined);
}

/** A proof this run executes: its definition, and its module (absent: it cannot be tested here). */
export interface ProofToRun extends LoadedDefinition {
  modulePath: string | undefined;
  notFound: string | undefined;
}

/** The loader caches the hook commands use: only a CLI that can run needs them. */
function loaderCachesFor(prepared: PreparedCli, target: Target): string | undefined {
  if (prepared.cli.state !== "ready" && prepared.cli.state !== "source") return undefined;
  if (prepared.build?.ok) return loaderCacheDir({ buildEntry: join(prepared.build.checkout, "..") });
  return loaderCacheDir(prepared.sourceTree ? { tree: prepared.sourceTree } : { head: target.head });
}

async function scenarioStage(
  options: RunProofOptions,
  proofs: ProofToRun[],
  target: Target,
  toolchain: Toolchain,
  coverage: CoverageRun | undefined,
): Promise<ScenarioResult> {
  const { node, tsx, prepared } = toolchain;
  const ids = proofs.map((proof) => proof.definition.id).join(", ");
  options.onProgress?.(
    `running ${ids} with Node ${node.version} (${node.source}), tsx ${tsx.version} (${tsx.source})`,
  );
  const runnable = proofs.filter((proof) => proof.modulePath !== undefined);
  const loaders = loaderCachesFor(prepared, target);
  const scenario = await runScenario({
    proofs: runnable.map((proof) => ({
      id: proof.definition.id,
      definitionUrl: proof.url,
      modulePath: join(prepared.scenarioRoot, relative(target.root, proof.modulePath as string)),
    })),
    repoRoot: prepared.scenarioRoot,
    cli: prepared.cli,
    env: prepared.env,
    loaderCacheDir: loaders,
    // From source the hook commands compile the CLI through tsx: its cache is kept with the tree's.
    tsxCacheDir: prepared.sourceTree && loaders ? join(loaders, tsxCacheName) : undefined,
    commandEnv: prepared.commandEnv,
    nodePath: node.path,
    tsxLoaderUrl: tsx.url,
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs,
    onMessage: options.onChildMessage,
    onOutput: options.onChildOutput,
    signal: options.signal,
    passEnv: options.passEnv,
    coverage: coverage && {
      dir: coverage.scenarioDir,
      files: coverage.include.map((file) => join(prepared.scenarioRoot, file)),
    },
    recordClosure: options.onClosure !== undefined,
  });
  if (scenario.closure) options.onClosure?.({ ...scenario.closure, scenarioRoot: prepared.scenarioRoot });
  return withUnrunSections(scenario, proofs);
}

/** Sections, in the proofs' order, for the proofs whose module was not found (never sent to the child). */
function withUnrunSections(scenario: ScenarioResult, proofs: ProofToRun[]): ScenarioResult {
  const sections = proofs.map(
    (proof) =>
      scenario.sections.find((section) => section.id === proof.definition.id) ??
      emptySection(proof.definition.id, proof.notFound ?? "the scenario did not run"),
  );
  return foldSections({ ...scenario, sections });
}

async function testsStage(
  options: RunProofOptions & { coreBusyUntil?: Promise<unknown> },
  proofTests: readonly string[],
  target: Target,
  node: NodeToolchain,
  coverage: CoverageRun | undefined,
): Promise<TestsResult> {
  const testsOptions = options.tests || {};
  options.onProgress?.("running the focused tests");
  return runTests({
    root: target.root,
    nodePath: node.path,
    proofTests,
    tests: testsOptions.files,
    changed: testsOptions.changed,
    shards: testsOptions.shards,
    shardIndex: testsOptions.shardIndex,
    timeoutMs: testsOptions.timeoutMs ?? defaultTestsTimeoutMs,
    blobDir: testsOptions.blobDir,
    onProgress: options.onProgress,
    onShard: options.onShard,
    signal: options.signal,
    passEnv: options.passEnv,
    coverage: coverage?.tests,
    coreBusyUntil: options.coreBusyUntil,
  });
}

/** Why the bundle the hook commands ran may have no source maps beside it. */
function mapsMissing(prepared: PreparedCli): string | undefined {
  const maps = prepared.build?.sourceMaps;
  if (maps && "why" in maps) return maps.why;
  if (!prepared.build)
    return "a build relay-proof did not make: --build asks the repo's build for source maps";
  return undefined;
}

function finishCoverage(
  coverage: CoverageRun,
  target: Target,
  prepared: PreparedCli,
  proofs: readonly ProofToRun[],
  tests: TestsResult | undefined,
): ChangeCoverage {
  try {
    return coverage.finish({
      root: target.root,
      scenarioRoot: prepared.scenarioRoot,
      testsRan: tests !== undefined && tests.shards.length > 0,
      reach: {
        declared: Object.assign({}, ...proofs.map((proof) => proof.definition.unreachable ?? {})),
        cli: prepared.cli,
        mapsMissing: mapsMissing(prepared),
      },
    });
  } finally {
    coverage.remove();
  }
}

/**
 * Locate each proof's module. A proof `--proof all` brought in whose module this head lacks does not
 * apply (left out, and said so); one asked for by name cannot be tested here.
 */
function locateProofs(
  options: RunProofOptions,
  loaded: (LoadedDefinition & { fromAll: boolean })[],
  target: Target,
): { run: ProofToRun[]; notApplying: string[] } {
  const located = loaded.map((proof) => {
    const location = locateModule(target.root, proof.definition.module.candidates, options.module);
    const notFound = location.found
      ? undefined
      : `module not found at this commit (tried ${location.tried.join(", ")})`;
    return { ...proof, modulePath: location.found ? location.path : undefined, notFound };
  });
  const applies = located.filter((proof) => !(proof.notFound && proof.fromAll && loaded.length > 1));
  // No proof applies: then none can be tested here, which is what the result must say.
  if (applies.length === 0) return { run: located, notApplying: [] };
  const notApplying = located
    .filter((proof) => !applies.includes(proof))
    .map((proof) => `${proof.definition.id}: ${proof.notFound}`);
  return { run: applies, notApplying };
}

/** Prove `target` with the proofs: every stage in order, the result as data. */
export async function proveTarget(
  options: RunProofOptions,
  loaded: (LoadedDefinition & { fromAll: boolean })[],
  target: Target,
  provenance: Provenance,
): Promise<ProofResult> {
  // A wrong --module is a usage error before anything is said about the target.
  const { run, notApplying } = locateProofs(options, loaded, target);
  options.onProgress?.(`target ${target.root} at ${target.head}${target.dirty ? " (dirty)" : ""}`);
  for (const line of notApplying) options.onProgress?.(`proof ${line.replace(": ", " does not apply: ")}`);
  const parts = { proofs: run, notApplying, provenance, target, command: options.command };
  const first = run.find((proof) => proof.modulePath !== undefined);
  if (!first?.modulePath) {
    return assembleResult({
      ...parts,
      node: undefined,
      tsx: undefined,
      prepared: undefined,
      scenario: withUnrunSections(emptyScenarioResult(), run),
      tests: undefined,
      coverage: undefined,
    });
  }
  const { signal } = options;
  throwIfInterrupted(signal, "the toolchain");
  const toolchain = await prepareToolchain(options, target, provenance);
  throwIfInterrupted(signal, "coverage");
  const coverage = options.coverage
    ? await startCoverage({
        root: target.root,
        modulePath: first.modulePath,
        base: coverageBase(options),
        head: target.head,
        dirty: target.dirty,
      })
    : undefined;
  let scenario: ScenarioResult;
  let tests: TestsResult | undefined;
  const { timeline } = provenance;
  const proofTests = [...new Set(run.flatMap((proof) => proof.definition.tests))];
  // The focused tests start beside the scenario (early-tests.ts); they count once it gives a verdict.
  const early =
    options.tests !== false
      ? startEarly((hooks) => {
          const testsStarted = Date.now();
          return timeline.time("tests", async () => {
            const ran = await testsStage(
              { ...options, ...hooks },
              proofTests,
              target,
              toolchain.node,
              coverage,
            );
            // The shards run side by side from the tests' start.
            for (const shard of ran.shards)
              timeline.add(`shard ${shard.index}/${ran.shardCount}`, testsStarted, shard.durationMs);
            return ran;
          });
        }, options)
      : undefined;
  try {
    throwIfInterrupted(signal, "the scenario child");
    scenario = await timeline.time("scenario", () =>
      scenarioStage(options, run, target, toolchain, coverage),
    );
    for (const stage of scenario.stages) timeline.add(stage.stage, stage.startedAt, stage.durationMs);
    throwIfInterrupted(signal, "the focused tests");
    if (early && scenario.cannotTest === undefined) tests = await early.keep();
    else await early?.drop();
    throwIfInterrupted(signal, "the coverage of the change");
  } catch (error) {
    await early?.drop();
    coverage?.remove();
    throw error;
  }
  const changeCoverage = coverage
    ? await timeline.time("coverage", async () =>
        finishCoverage(coverage, target, toolchain.prepared, run, tests),
      )
    : undefined;
  return assembleResult({
    ...parts,
    ...toolchain,
    scenario,
    tests,
    coverage: changeCoverage,
  });
}
