import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { linkInstalledModules } from "../checkout/dependencies.ts";
import { commitSubject, git, gitEnv } from "../checkout/git.ts";
import { openTarget } from "../checkout/open-target.ts";
import { addWorktree, resolveRef } from "../checkout/worktree.ts";
import { relayProofError } from "../errors.ts";
import { spawnGroup } from "../process/spawn-group.ts";
import { checkPassEnv } from "../process/target-env.ts";
import { proofLine } from "../result/proof-lines.ts";
import { type BisectResult, resultSchema } from "../result/types.ts";
import { loadDefinition } from "../scenario/load-definition.ts";
import { runProof } from "./run-proof.ts";

export interface BisectOptions {
  repo: string;
  good: string;
  bad: string;
  proof?: string;
  module?: string;
  node?: string;
  timeoutMs?: number;
  /** `--pass-env`: variables to give the target beyond the allowlist, at every step. */
  passEnv?: readonly string[];
  /** `--build` / `--cli`: also run the hook-command paths, at the endpoints and at every step. */
  build?: boolean;
  cli?: string;
  command?: string[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** The CLI entry git bisect runs at each step (the package's bin, run with this Node). */
const binPath = fileURLToPath(
  new URL(
    import.meta.url.endsWith(".ts") ? "../../bin/relay-proof.js" : "../../../bin/relay-proof.js",
    import.meta.url,
  ),
);

async function isAncestor(root: string, older: string, newer: string): Promise<boolean> {
  return (await git(root, ["merge-base", "--is-ancestor", older, newer])).ok;
}

/**
 * Find the first commit that fixed (or broke) the proof between --good and --bad with `git bisect
 * run` and the scenario only, in a temporary worktree: the user's HEAD and bisect state are never
 * touched. Both endpoints are verified first.
 */
export async function bisectProof(options: BisectOptions): Promise<BisectResult> {
  const started = Date.now();
  const passEnv = checkPassEnv(options.passEnv);
  const { definition, spec } = await loadDefinition(options.proof ?? "native-hook-relay");
  // Steps run inside the worktree: a proof file is passed on by its absolute path.
  const proof = options.proof === undefined ? undefined : spec;
  const checkout = await openTarget({ repo: options.repo });
  const root = checkout.root;
  const good = await resolveRef(root, options.good);
  const bad = await resolveRef(root, options.bad);
  if (good === bad)
    throw relayProofError("USAGE", "--good and --bad name the same commit", "pick two different commits");
  let direction: BisectResult["direction"];
  if (await isAncestor(root, bad, good)) direction = "fixed";
  else if (await isAncestor(root, good, bad)) direction = "broke";
  else {
    throw relayProofError(
      "USAGE",
      `${options.good} and ${options.bad} are not on one line of history`,
      "pick a --good that is an ancestor or a descendant of --bad",
    );
  }
  const progress = options.onProgress;
  const worktree = await addWorktree(root, bad);
  try {
    linkInstalledModules(root, worktree.path);
    const prove = async (sha: string) => {
      await git(worktree.path, ["checkout", "--quiet", "--detach", sha]);
      return runProof({
        repo: worktree.path,
        proof,
        module: options.module,
        node: options.node,
        timeoutMs: options.timeoutMs,
        passEnv,
        build: options.build,
        cli: options.cli,
        tests: false,
        signal: options.signal,
      });
    };
    for (const [flag, ref, sha, expected] of [
      ["--good", options.good, good, "holds"],
      ["--bad", options.bad, bad, "fails"],
    ] as const) {
      progress?.(
        `verifying ${flag} ${ref} (${sha.slice(0, 12)}): expecting the proof to ${expected === "holds" ? "hold" : "fail"}`,
      );
      const endpoint = await prove(sha);
      if (endpoint.verdict === "cannot-test") {
        throw relayProofError(
          "USAGE",
          `${flag} ${ref} cannot be tested: ${endpoint.reasons[0] ?? ""}`,
          `pick a ${flag} where relay-proof run --ref ${ref} gives a verdict`,
        );
      }
      if (endpoint.verdict !== expected) {
        throw relayProofError(
          "USAGE",
          `${flag} ${ref}: the proof ${endpoint.verdict === "holds" ? "holds" : "fails"} there`,
          `pick a ${flag} where it ${expected === "holds" ? "holds" : "fails"}`,
        );
      }
    }
    // fixed: old commits fail ("broken"), new ones hold ("fixed"); the step inverts exit codes to match.
    const start =
      direction === "fixed"
        ? ["bisect", "start", "--term-old=broken", "--term-new=fixed", good, bad]
        : ["bisect", "start", bad, good];
    const begun = await git(worktree.path, start);
    if (!begun.ok) throw relayProofError("INTERNAL", `git bisect start failed: ${begun.stderr}`);
    progress?.(`git bisect run: looking for the commit that ${direction} it`);
    const step = [process.execPath, binPath, "bisect-step", ...(direction === "fixed" ? ["--invert"] : [])];
    for (const [flag, value] of [
      ["--proof", proof],
      ["--module", options.module],
      ["--node", options.node],
    ] as const) {
      if (value) step.push(flag, value);
    }
    if (options.timeoutMs) step.push("--timeout", String(options.timeoutMs / 1000));
    for (const name of passEnv) step.push("--pass-env", name);
    if (options.build) step.push("--build");
    if (options.cli) step.push("--cli", resolve(options.cli));
    // Its own process group, killed on Ctrl-C before the worktree goes: no step outlives the run.
    const run = await spawnGroup("git", ["bisect", "run", ...step], {
      cwd: worktree.path,
      env: gitEnv(),
      timeoutMs: 6 * 60 * 60_000,
      signal: options.signal,
    });
    const log = await git(worktree.path, ["bisect", "log"]);
    const steps: BisectResult["steps"] = [];
    for (const line of log.stdout.split("\n")) {
      const match = /^# (good|bad|skip|broken|fixed): \[([0-9a-f]{40})\] (.*)$/.exec(line);
      if (!match) continue;
      const term = match[1] as string;
      const outcome = term === "skip" ? "skipped" : term === "good" || term === "fixed" ? "holds" : "fails";
      steps.push({ sha: match[2] as string, subject: match[3] ?? "", outcome });
    }
    const found = /([0-9a-f]{40}) is the first (bad|fixed) commit/.exec(run.stdout);
    const first = found?.[1] ? { sha: found[1], subject: await commitSubject(root, found[1]) } : undefined;
    const reasons: string[] = [];
    if (!first) {
      const skipped = /There are only 'skip'ped commits left to test\.([\s\S]*)/.exec(run.stdout)?.[1];
      const candidates = skipped?.match(/\b[0-9a-f]{40}\b/g) ?? [];
      reasons.push(
        skipped
          ? `only untestable commits are left; the first ${direction === "fixed" ? "fixing" : "breaking"} commit is one of: ${candidates.join(", ")}`
          : `git bisect ended without an answer: ${(run.stderr || run.stdout).split("\n")[0] ?? ""}`,
      );
    } else {
      reasons.push(
        `${first.sha} is the first commit where the proof ${direction === "fixed" ? "holds" : "fails"}`,
      );
    }
    const proofFlag = proof ? ` --proof ${proof}` : "";
    const reproduce = first
      ? [
          `relay-proof run --ref ${first.sha} --no-tests${proofFlag}`,
          `relay-proof run --ref ${first.sha}^ --no-tests${proofFlag}`,
        ]
      : [];
    const verdict = first ? "found" : "cannot-test";
    return {
      schema: resultSchema,
      kind: "bisect",
      proof: { id: definition.id, title: definition.title },
      direction,
      good: { ref: options.good, sha: good },
      bad: { ref: options.bad, sha: bad },
      first,
      steps,
      verdict,
      exitCode: first ? 0 : 125,
      reasons,
      reproduce,
      proofLines: [
        proofLine("good", good),
        proofLine("bad", bad),
        proofLine("direction", direction),
        proofLine("steps", String(steps.length)),
        proofLine(
          direction === "fixed" ? "first-fixed-commit" : "first-bad-commit",
          first ? first.sha : "none",
        ),
        proofLine("verdict", verdict),
      ],
      command: options.command ?? [],
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    };
  } finally {
    await git(worktree.path, ["bisect", "reset", "--quiet"]);
    await worktree.remove();
  }
}
