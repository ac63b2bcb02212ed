import { release as osRelease, type as osType } from "node:os";
import { join, relative } from "node:path";
import { prepareDependencies } from "../checkout/dependencies.ts";
import { locateModule } from "../checkout/module-path.ts";
import { type NodeToolchain, resolveNode } from "../checkout/node-toolchain.ts";
import { openTarget, type Target } from "../checkout/open-target.ts";
import { type PreparedCli, prepareCli } from "../checkout/prepare-cli.ts";
import { resolveTsxLoader, type TsxLoader } from "../checkout/tsx-loader.ts";
import { addWorktree } from "../checkout/worktree.ts";
import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import { type CoverageRun, startCoverage } from "../coverage/collect.ts";
import { checkPassEnv } from "../process/target-env.ts";
import { buildProofLines } from "../result/proof-lines.ts";
import { redact, secretValues } from "../result/sanitize.ts";
import { exitCodes, type ProofResult, resultSchema } from "../result/types.ts";
import { decideVerdict, withTests } from "../result/verdict.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { loadDefinition } from "../scenario/load-definition.ts";
import type { ChildMessage } from "../scenario/messages.ts";
import { emptyScenarioResult, runScenario, type ScenarioResult } from "../scenario/run-scenario.ts";
import { runTests, type ShardEvent, type TestsResult } from "../shards/run-tests.ts";

export interface RunProofOptions {
  /** Path of the checkout (default: current directory). */
  repo: string;
  proof?: string;
  /** `--ref`: prove this commit in a temporary worktree instead of the work tree. */
  ref?: string;
  /** With --ref, when the lockfile differs: install (default) or refuse. */
  install?: boolean;
  /** `--module`: the module under test, relative to the repo root. */
  module?: string;
  /** `--node`: the Node binary that runs the target. */
  node?: string;
  /** Fetch a Node that satisfies the target's engines from the npm registry when needed. */
  provision?: boolean;
  requireClean?: boolean;
  timeoutMs?: number;
  /** The focused Vitest stage; false skips it (--no-tests). */
  tests?: false | TestsOptions;
  /** The argv that reproduces this run, recorded in the result. */
  command?: string[];
  onProgress?: (message: string) => void;
  onChildMessage?: (message: ChildMessage) => void;
  onChildOutput?: (stream: "stdout" | "stderr", chunk: string) => void;
  onShard?: (event: ShardEvent) => void;
  signal?: AbortSignal;
  /**
   * `--pass-env NAME`: variables to give the target's processes beyond the allowlist (PATH, locale,
   * TZ, CI, proxy and CA settings). Everything else in this environment stays out of target code.
   */
  passEnv?: readonly string[];
  /** `--build`: build the checkout's CLI with its own build (cached per tree) so hook commands can run. */
  build?: boolean;
  /** `--cli PATH`: run the hook commands through this CLI file. */
  cli?: string;
  /**
   * `--coverage`: which changed lines the scenario and the focused tests ran. `base` is the commit the
   * change is measured from (compare's base; `--changed BASE` for run); without one, the module only.
   */
  coverage?: boolean | { base?: string };
}

export const defaultTimeoutMs = 180_000;
export const defaultTestsTimeoutMs = 600_000;

export interface TestsOptions {
  /** `--tests`: explicit files instead of the proof's. */
  files?: string[];
  /** `--changed BASE`. */
  changed?: string;
  shards?: number;
  shardIndex?: { index: number; count: number };
  timeoutMs?: number;
  /** `--blob-dir`: also write Vitest blob reports, to merge across machines with Vitest's own merge. */
  blobDir?: string;
}

/** Prove one checkout: target -> scenario -> verdict -> proof lines, returned as data. */
export async function runProof(options: RunProofOptions): Promise<ProofResult> {
  const started = Date.now();
  options = { ...options, passEnv: checkPassEnv(options.passEnv) };
  const { definition, url, file } = await loadDefinition(options.proof ?? "native-hook-relay");
  const checkout = await openTarget({
    repo: options.repo,
    requireClean: options.requireClean && !options.ref,
  });
  if (!options.ref)
    return proveTarget(options, definition, url, checkout, { started, root: checkout.root, proofFile: file });
  const worktree = await addWorktree(checkout.root, options.ref);
  try {
    options.onProgress?.(`proving ${options.ref} (${worktree.sha}) in a temporary worktree`);
    const dependencies = await prepareDependencies({
      installedRoot: checkout.root,
      worktree: worktree.path,
      sha: worktree.sha,
      install: options.install ?? true,
      passEnv: options.passEnv,
      onProgress: options.onProgress,
    });
    const target = await openTarget({ repo: worktree.path });
    return await proveTarget(options, definition, url, target, {
      started,
      root: checkout.root,
      proofFile: file,
      ref: options.ref,
      dependencies: { mode: dependencies.mode, detail: dependencies.detail },
      // Reused node_modules are links to the user's install: a build links that install directly.
      modulesRoot: dependencies.mode === "installed" ? worktree.path : checkout.root,
    });
  } finally {
    await worktree.remove();
  }
}

interface Provenance {
  started: number;
  /** The user's checkout (the worktree's main repo with --ref). */
  root: string;
  ref?: string;
  dependencies?: { mode: "own" | "reused" | "installed"; detail: string };
  /** `--proof FILE`: the proof's absolute path. */
  proofFile?: string;
  /** The checkout whose installed node_modules a --build links in (the user's, unless --ref installed). */
  modulesRoot?: string;
}

async function proveTarget(
  options: RunProofOptions,
  definition: ProofDefinition,
  url: string,
  target: Target,
  provenance: Provenance,
): Promise<ProofResult> {
  const { started } = provenance;
  const location = locateModule(target.root, definition.module.candidates, options.module);
  options.onProgress?.(`target ${target.root} at ${target.head}${target.dirty ? " (dirty)" : ""}`);

  let node: NodeToolchain | undefined;
  let tsx: TsxLoader | undefined;
  let scenario: ScenarioResult;
  let prepared: PreparedCli | undefined;
  let coverage: CoverageRun | undefined;
  if (!location.found) {
    scenario = emptyScenarioResult(`module not found at this commit (tried ${location.tried.join(", ")})`);
  } else {
    node = await resolveNode({
      engines: target.packageJson?.engines?.node,
      nodeFlag: options.node,
      provision: options.provision ?? true,
      onProgress: options.onProgress,
    });
    if (!node.satisfies) {
      options.onProgress?.(`warning: Node ${node.version} does not satisfy engines.node "${node.engines}"`);
    }
    tsx = resolveTsxLoader(target.root);
    prepared = await prepareCli({
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
    if (options.coverage) {
      const base =
        (typeof options.coverage === "object" ? options.coverage.base : undefined) ??
        (options.tests ? options.tests.changed : undefined);
      coverage = await startCoverage({
        root: target.root,
        modulePath: location.path,
        base,
        head: target.head,
        dirty: target.dirty,
      });
    }
    options.onProgress?.(
      `running ${definition.id} with Node ${node.version} (${node.source}), tsx ${tsx.version} (${tsx.source})`,
    );
    scenario = await runScenario({
      definitionUrl: url,
      repoRoot: prepared.scenarioRoot,
      modulePath: join(prepared.scenarioRoot, relative(target.root, location.path)),
      cli: prepared.cli,
      env: prepared.env,
      compileCacheDir: prepared.build?.ok ? join(prepared.build.checkout, "..", "compile-cache") : undefined,
      nodePath: node.path,
      tsxLoaderUrl: tsx.url,
      timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
      onMessage: options.onChildMessage,
      onOutput: options.onChildOutput,
      signal: options.signal,
      passEnv: options.passEnv,
      coverage: coverage && {
        dir: coverage.scenarioDir,
        files: coverage.include.map((file) => join(prepared?.scenarioRoot ?? target.root, file)),
      },
    });
  }

  let tests: TestsResult | undefined;
  if (options.tests !== false && node && scenario.cannotTest === undefined) {
    const testsOptions = options.tests ?? {};
    options.onProgress?.("running the focused tests");
    tests = await runTests({
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
  let changeCoverage: ChangeCoverage | undefined;
  if (coverage) {
    try {
      changeCoverage = coverage.finish({
        root: target.root,
        scenarioRoot: prepared?.scenarioRoot ?? target.root,
        testsRan: tests !== undefined && tests.shards.length > 0,
      });
    } finally {
      coverage.remove();
    }
  }

  const scenarioOutcome = decideVerdict(definition, scenario);
  const { verdict, reasons, notTested } = withTests(scenarioOutcome, tests);
  const secrets = secretValues();
  const stderrTail = redact(scenario.stderr, secrets).split("\n").filter(Boolean).slice(-20);
  const result: ProofResult = {
    schema: resultSchema,
    kind: "run",
    proof: {
      id: definition.id,
      title: definition.title,
      behavior: definition.behavior,
      ...(provenance.proofFile ? { file: provenance.proofFile } : {}),
    },
    environment: {
      os: `${osType()} ${osRelease()}`,
      arch: process.arch,
      packageManager: target.packageJson?.packageManager?.replace(/\+sha\d+\..*$/, ""),
    },
    target: {
      root: provenance.root,
      head: target.head,
      dirty: target.dirty,
      dirtyPaths: target.dirtyPaths,
      ref: provenance.ref,
      module: location.found ? relative(target.root, location.path) : undefined,
      worktree: provenance.ref !== undefined,
      dependencies: provenance.dependencies,
    },
    toolchain: {
      node: scenario.node ?? node?.version,
      nodePath: node?.path,
      nodeSource: node?.source,
      engines: target.packageJson?.engines?.node,
      enginesSatisfied: node?.satisfies,
      tsx: tsx?.version,
      tsxSource: tsx?.source,
    },
    cli: prepared && {
      entry: prepared.cli.entry && relative(prepared.scenarioRoot, prepared.cli.entry),
      state: prepared.cli.state,
      detail: prepared.cli.detail,
      build: prepared.build && {
        ok: prepared.build.ok,
        tree: prepared.build.tree,
        cached: prepared.build.cached,
        durationMs: prepared.build.durationMs,
        steps: prepared.build.steps.map((step) => ({
          command: step.command.map((arg) => (arg === node?.path ? "node" : arg)),
          durationMs: step.durationMs,
        })),
      },
    },
    scenario: {
      verdict: scenarioOutcome.verdict,
      reasons: scenarioOutcome.reasons.map((reason) => redact(reason, secrets)),
      notTested: scenarioOutcome.notTested,
      info: scenario.info,
      checks: scenario.checks.map((check) => ({
        ...check,
        value: redact(check.value, secrets),
        ...(check.detail !== undefined ? { detail: redact(check.detail, secrets) } : {}),
        ...(check.ran !== undefined ? { ran: redact(check.ran, secrets) } : {}),
      })),
      cannotTest: scenario.cannotTest,
      timedOut: scenario.timedOut,
      exitCode: scenario.exitCode,
      signal: scenario.signal,
      activeResources: scenario.activeResources,
      leftoverProcesses: scenario.leftoverProcesses,
      durationMs: scenario.durationMs,
      stderrTail,
    },
    tests,
    coverage: changeCoverage,
    verdict,
    exitCode: exitCodes[verdict],
    reasons: reasons.map((reason) => redact(reason, secrets)),
    notTested,
    proofLines: [],
    command: options.command ?? [],
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
  result.proofLines = buildProofLines(definition, {
    ...result,
    tests: tests?.shardCount ? tests : undefined,
  });
  return result;
}
