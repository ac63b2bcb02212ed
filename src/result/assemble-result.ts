// The last stage of a run: every stage's data folded into the one ProofResult that reporters render,
// with the verdict decided and every value that came from target code redacted.
import { release as osRelease, type as osType } from "node:os";
import { relative } from "node:path";
import type { NodeToolchain } from "../checkout/node-toolchain.ts";
import type { Target } from "../checkout/open-target.ts";
import type { PreparedCli } from "../checkout/prepare-cli.ts";
import type { TsxLoader } from "../checkout/tsx-loader.ts";
import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import type { ScenarioResult } from "../scenario/run-scenario.ts";
import type { TestsResult } from "../shards/run-tests.ts";
import { claimResults } from "./claims.ts";
import { buildProofLines } from "./proof-lines.ts";
import { redact, secretValues } from "./sanitize.ts";
import { exitCodes, type ProofResult, resultSchema } from "./types.ts";
import { decideVerdict, withTests } from "./verdict.ts";

/** Where the run came from: the user's checkout, and with --ref the worktree's provenance. */
export interface Provenance {
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

export interface ResultParts {
  definition: ProofDefinition;
  provenance: Provenance;
  target: Target;
  /** The module under test (absolute), when found. */
  modulePath: string | undefined;
  node: NodeToolchain | undefined;
  tsx: TsxLoader | undefined;
  prepared: PreparedCli | undefined;
  scenario: ScenarioResult;
  tests: TestsResult | undefined;
  coverage: ChangeCoverage | undefined;
  command: string[] | undefined;
}

function cliOf(parts: ResultParts): ProofResult["cli"] {
  const { prepared, node } = parts;
  if (!prepared) return undefined;
  return {
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
  };
}

/** What the scenario reported, its values redacted: the target's code wrote every one of them. */
function scenarioOf(
  scenario: ScenarioResult,
  outcome: ReturnType<typeof decideVerdict>,
  secrets: string[],
): ProofResult["scenario"] {
  return {
    verdict: outcome.verdict,
    reasons: outcome.reasons.map((reason) => redact(reason, secrets)),
    notTested: outcome.notTested,
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
    stderrTail: redact(scenario.stderr, secrets).split("\n").filter(Boolean).slice(-20),
  };
}

/** Decide the verdict (scenario, then the tests folded in) and build the result with its proof lines. */
export function assembleResult(parts: ResultParts): ProofResult {
  const { definition, provenance, target, node, tsx, scenario, tests } = parts;
  const scenarioOutcome = decideVerdict(definition, scenario);
  const { verdict, reasons, notTested } = withTests(scenarioOutcome, tests);
  const secrets = secretValues();
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
      module: parts.modulePath ? relative(target.root, parts.modulePath) : undefined,
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
    cli: cliOf(parts),
    scenario: scenarioOf(scenario, scenarioOutcome, secrets),
    claims: [],
    tests,
    coverage: parts.coverage,
    verdict,
    exitCode: exitCodes[verdict],
    reasons: reasons.map((reason) => redact(reason, secrets)),
    notTested,
    proofLines: [],
    command: parts.command ?? [],
    startedAt: new Date(provenance.started).toISOString(),
    durationMs: Date.now() - provenance.started,
  };
  result.claims = claimResults(definition.claims, result.scenario.checks);
  result.notTested.push(
    ...result.claims
      .filter((claim) => claim.status === "not-tested")
      .map((claim) => `claim "${claim.id}": no passing evidence (${claim.text})`),
  );
  result.proofLines = buildProofLines(definition, {
    ...result,
    tests: tests?.shardCount ? tests : undefined,
  });
  return result;
}
