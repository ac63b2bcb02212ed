// The last stage of a run: every stage's data folded into the one ProofResult that reporters render,
// with the verdict decided and every value that came from target code redacted.
import { release as osRelease, type as osType } from "node:os";
import { relative } from "node:path";
import type { PreparedCli } from "../checkout/cli/prepare.ts";
import type { NodeToolchain } from "../checkout/node-toolchain.ts";
import type { Target } from "../checkout/open-target.ts";
import type { TsxLoader } from "../checkout/tsx-loader.ts";
import type { ChangeCoverage } from "../coverage/change-coverage.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { emptySection, type ScenarioResult, sectionView } from "../scenario/run-scenario.ts";
import type { TestsResult } from "../shards/run-tests.ts";
import { claimResults } from "./claims.ts";
import { buildProofLines, buildProofSetLines } from "./proof-lines.ts";
import { redact, secretValues } from "./sanitize.ts";
import type { Timeline } from "./timeline.ts";
import { exitCodes, type ProofResult, resultSchema } from "./types.ts";
import { decideVerdict, type VerdictOutcome, withTests } from "./verdict.ts";

/** Where the run came from: the user's checkout, and with --ref the worktree's provenance. */
export interface Provenance {
  started: number;
  /** The user's checkout (the worktree's main repo with --ref). */
  root: string;
  ref?: string;
  dependencies?: { mode: "own" | "reused" | "installed"; detail: string };
  /** The checkout whose installed node_modules a --build links in (the user's, unless --ref installed). */
  modulesRoot?: string;
  /** The run's stages and paths as they are timed (the result's `timeline`). */
  timeline: Timeline;
}

/** One proof of the run: its definition, where it was loaded from, and its module (when found). */
export interface PartProof {
  definition: ProofDefinition;
  /** `--proof FILE`: the proof's absolute path. */
  file?: string;
  /** `--proof FILE`: the sha256 of its content. */
  sha256?: string;
  /** What `--proof` said for it: an id, or the file's path. */
  spec?: string;
  modulePath: string | undefined;
}

export interface ResultParts {
  proofs: PartProof[];
  /** Proofs `--proof all` left out: this head has no module for them (`<id>: <why>`). */
  notApplying?: string[];
  provenance: Provenance;
  target: Target;
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
    ...(prepared.mode ? { mode: prepared.mode } : {}),
    build: prepared.build && {
      ok: prepared.build.ok,
      tree: prepared.build.tree,
      kind: prepared.build.kind,
      cached: prepared.build.cached,
      durationMs: prepared.build.durationMs,
      steps: prepared.build.steps.map((step) => ({
        command: step.command.map((arg) => (arg === node?.path ? "node" : arg)),
        durationMs: step.durationMs,
      })),
      ...(prepared.build.sourceMaps ? { sourceMaps: prepared.build.sourceMaps } : {}),
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

/** Each proof's verdict from its own section of the scenario. */
function judgeEach(parts: ResultParts) {
  return parts.proofs.map((proof) => {
    const section =
      parts.scenario.sections.find((candidate) => candidate.id === proof.definition.id) ??
      emptySection(proof.definition.id, "the scenario did not run");
    const view = sectionView(parts.scenario, section);
    return { proof, view, outcome: decideVerdict(proof.definition, view) };
  });
}

/** Several proofs: holds only when every one holds; cannot-test where one cannot and none fails. */
function combine(judged: ReturnType<typeof judgeEach>): VerdictOutcome {
  const named = (verdict: string) =>
    judged
      .filter((entry) => entry.outcome.verdict === verdict)
      .flatMap((entry) => entry.outcome.reasons.map((reason) => `${entry.proof.definition.id}: ${reason}`));
  const notTested = judged.flatMap((entry) =>
    entry.outcome.notTested.map((item) => `${entry.proof.definition.id}.${item}`),
  );
  const failing = named("fails");
  const untestable = named("cannot-test");
  if (failing.length > 0)
    return { verdict: "fails", reasons: failing, notTested: [...notTested, ...untestable] };
  if (untestable.length > 0) return { verdict: "cannot-test", reasons: untestable, notTested };
  const ids = judged.map((entry) => entry.proof.definition.id).join(", ");
  return { verdict: "holds", reasons: [`every proof holds: ${ids}`], notTested };
}

/**
 * A proof file's place: its path here, its content's hash and its path relative to the repo root, so
 * `merge` can match the shards of machines where it sits elsewhere.
 */
function fileOf(proof: PartProof, root: string): { file?: string; fileSha256?: string; fileInRepo?: string } {
  if (!proof.file) return {};
  return { file: proof.file, fileSha256: proof.sha256, fileInRepo: relative(root, proof.file) };
}

function proofOf(parts: ResultParts): ProofResult["proof"] {
  const [only] = parts.proofs;
  if (parts.proofs.length === 1 && only) {
    return {
      id: only.definition.id,
      title: only.definition.title,
      behavior: only.definition.behavior,
      ...fileOf(only, parts.provenance.root),
    };
  }
  const ids = parts.proofs.map((proof) => proof.definition.id);
  const specs = parts.proofs.map((proof) => proof.spec ?? proof.definition.id);
  return {
    id: ids.join("+"),
    title: `${ids.length} relay proofs: ${ids.join(", ")}`,
    behavior: parts.proofs.map((proof) => `${proof.definition.id}: ${proof.definition.behavior}`).join(" "),
    specs,
  };
}

/** Decide the verdict (each proof, then the tests folded in) and build the result with its proof lines. */
export function assembleResult(parts: ResultParts): ProofResult {
  const { provenance, target, node, tsx, scenario, tests } = parts;
  const judged = judgeEach(parts);
  const single = judged.length === 1 ? judged[0] : undefined;
  const scenarioOutcome = single ? single.outcome : combine(judged);
  const { verdict, reasons, notTested } = withTests(scenarioOutcome, tests);
  const secrets = secretValues();
  const moduleOf = (proof: PartProof) => proof.modulePath && relative(target.root, proof.modulePath);
  const result: ProofResult = {
    schema: resultSchema,
    kind: "run",
    proof: proofOf(parts),
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
      module: parts.proofs.map(moduleOf).find(Boolean) || undefined,
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
    notTested: [
      ...notTested,
      ...(parts.notApplying ?? []).map(
        (line) => `proof ${line.replace(": ", " does not apply at this head: ")}`,
      ),
    ],
    proofLines: [],
    command: parts.command ?? [],
    startedAt: new Date(provenance.started).toISOString(),
    durationMs: Date.now() - provenance.started,
    timeline: [...provenance.timeline.entries].sort((x, y) => x.startMs - y.startMs),
  };
  if (single) {
    result.claims = claimResults(single.proof.definition.claims, result.scenario.checks);
  } else {
    result.proofs = judged.map(({ proof, view, outcome }) => {
      const own = scenarioOf(view, outcome, secrets);
      return {
        proof: {
          id: proof.definition.id,
          title: proof.definition.title,
          behavior: proof.definition.behavior,
          ...fileOf(proof, provenance.root),
        },
        module: moduleOf(proof) || undefined,
        verdict: outcome.verdict,
        exitCode: exitCodes[outcome.verdict],
        reasons: own.reasons,
        notTested: outcome.notTested,
        info: own.info,
        checks: own.checks,
        cannotTest: own.cannotTest,
        claims: claimResults(proof.definition.claims, own.checks),
      };
    });
    result.claims = result.proofs.flatMap((outcome) =>
      outcome.claims.map((claim) => ({ ...claim, id: `${outcome.proof.id}.${claim.id}` })),
    );
  }
  result.notTested.push(
    ...result.claims
      .filter((claim) => claim.status === "not-tested")
      .map((claim) => `claim "${claim.id}": no passing evidence (${claim.text})`),
  );
  const lineSource = { ...result, tests: tests?.shardCount ? tests : undefined };
  result.proofLines = single
    ? buildProofLines(single.proof.definition, lineSource)
    : buildProofSetLines(result.proofs ?? [], lineSource);
  return result;
}
