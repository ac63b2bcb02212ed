// One proof at one checkout, stage by stage: target (module, Node, tsx, CLI) -> scenario -> shards
// -> coverage -> result. Each stage is a function of its own below; proveTarget only sequences them.
import { join, relative } from "node:path";
import { loaderCacheDir } from "../checkout/loader-cache.ts";
import { locateModule } from "../checkout/module-path.ts";
import { type NodeToolchain, resolveNode } from "../checkout/node-toolchain.ts";
import type { Target } from "../checkout/open-target.ts";
import { type PreparedCli, prepareCli } from "../checkout/prepare-cli.ts";
import { resolveTsxLoader, type TsxLoader } from "../checkout/tsx-loader.ts";
import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import { type CoverageRun, startCoverage } from "../coverage/collect.ts";
import { assembleResult, type Provenance } from "../result/assemble-result.ts";
import type { ProofResult } from "../result/types.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { emptyScenarioResult, runScenario, type ScenarioResult } from "../scenario/run-scenario.ts";
import { runTests, type TestsResult } from "../shards/run-tests.ts";
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
  const node = await resolveNode({
    engines: target.packageJson?.engines?.node,
    nodeFlag: options.node,
    provision: options.provision ?? true,
    onProgress: options.onProgress,
  });
  if (!node.satisfies) {
    options.onProgress?.(`warning: Node ${node.version} does not satisfy engines.node "${node.engines}"`);
  }
  const tsx = resolveTsxLoader(target.root);
  const prepared = await prepareCli({
    root: target.root,
    head: target.head,
    dirty: target.dirty,
    modulesRoot: provenance.modulesRoot ?? target.root,
    nodePath: node.path,
    build: options.build ?? false,
    cliFlag: options.cli,
    passEnv: options.passEnv,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { node, tsx, prepared };
}

function coverageBase(options: RunProofOptions): string | undefined {
  const explicit = typeof options.coverage === "object" ? options.coverage.base : undefined;
  return explicit ?? (options.tests ? options.tests.changed : undefined);
}

async function scenarioStage(
  options: RunProofOptions,
  url: string,
  definition: ProofDefinition,
  target: Target,
  modulePath: string,
  toolchain: Toolchain,
  coverage: CoverageRun | undefined,
): Promise<ScenarioResult> {
  const { node, tsx, prepared } = toolchain;
  options.onProgress?.(
    `running ${definition.id} with Node ${node.version} (${node.source}), tsx ${tsx.version} (${tsx.source})`,
  );
  return runScenario({
    definitionUrl: url,
    repoRoot: prepared.scenarioRoot,
    modulePath: join(prepared.scenarioRoot, relative(target.root, modulePath)),
    cli: prepared.cli,
    env: prepared.env,
    // Only hook commands use them: a CLI that cannot run needs none.
    loaderCacheDir:
      prepared.cli.state === "ready" || prepared.cli.state === "source"
        ? loaderCacheDir(
            prepared.build?.ok ? { buildEntry: join(prepared.build.checkout, "..") } : { head: target.head },
          )
        : undefined,
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
  });
}

async function testsStage(
  options: RunProofOptions,
  definition: ProofDefinition,
  target: Target,
  node: NodeToolchain,
  coverage: CoverageRun | undefined,
): Promise<TestsResult> {
  const testsOptions = options.tests || {};
  options.onProgress?.("running the focused tests");
  return runTests({
    root: target.root,
    nodePath: node.path,
    proofTests: definition.tests,
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
  });
}

function finishCoverage(
  coverage: CoverageRun,
  target: Target,
  scenarioRoot: string,
  tests: TestsResult | undefined,
): ChangeCoverage {
  try {
    return coverage.finish({
      root: target.root,
      scenarioRoot,
      testsRan: tests !== undefined && tests.shards.length > 0,
    });
  } finally {
    coverage.remove();
  }
}

/** Prove `target` with `definition`: every stage in order, the result as data. */
export async function proveTarget(
  options: RunProofOptions,
  definition: ProofDefinition,
  url: string,
  target: Target,
  provenance: Provenance,
): Promise<ProofResult> {
  const location = locateModule(target.root, definition.module.candidates, options.module);
  options.onProgress?.(`target ${target.root} at ${target.head}${target.dirty ? " (dirty)" : ""}`);
  const parts = {
    definition,
    provenance,
    target,
    command: options.command,
    modulePath: location.found ? location.path : undefined,
  };
  if (!location.found) {
    const reason = `module not found at this commit (tried ${location.tried.join(", ")})`;
    return assembleResult({
      ...parts,
      node: undefined,
      tsx: undefined,
      prepared: undefined,
      scenario: emptyScenarioResult(reason),
      tests: undefined,
      coverage: undefined,
    });
  }
  const toolchain = await prepareToolchain(options, target, provenance);
  const coverage = options.coverage
    ? await startCoverage({
        root: target.root,
        modulePath: location.path,
        base: coverageBase(options),
        head: target.head,
        dirty: target.dirty,
      })
    : undefined;
  let scenario: ScenarioResult;
  let tests: TestsResult | undefined;
  try {
    scenario = await scenarioStage(options, url, definition, target, location.path, toolchain, coverage);
    if (options.tests !== false && scenario.cannotTest === undefined)
      tests = await testsStage(options, definition, target, toolchain.node, coverage);
  } catch (error) {
    coverage?.remove();
    throw error;
  }
  const changeCoverage = coverage
    ? finishCoverage(coverage, target, toolchain.prepared.scenarioRoot, tests)
    : undefined;
  return assembleResult({
    ...parts,
    ...toolchain,
    scenario,
    tests,
    coverage: changeCoverage,
  });
}
