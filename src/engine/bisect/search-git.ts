// The binary search: `git bisect run` with relay-proof's bisect-step, in one worktree.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { git, gitEnv } from "../../checkout/git.ts";
import type { Worktree } from "../../checkout/worktree.ts";
import { relayProofError } from "../../errors.ts";
import { spawnGroup } from "../../process/spawn-group.ts";
import type { BisectResult } from "../../result/types.ts";
import type { BisectOptions } from "./options.ts";
import type { Search, Step } from "./search.ts";

/** The CLI entry git bisect runs at each step (the package's bin, run with this Node). */
const binPath = fileURLToPath(
  new URL(
    import.meta.url.endsWith(".ts") ? "../../../bin/relay-proof.js" : "../../../../bin/relay-proof.js",
    import.meta.url,
  ),
);

/** The first commit (or the candidates) in `git bisect run`'s output. */
export function parseBisectRun(stdout: string): { first: string | undefined; candidates: string[] } {
  const found = /([0-9a-f]{40}) is the first (bad|fixed) commit/.exec(stdout);
  if (found?.[1]) return { first: found[1], candidates: [found[1]] };
  const skipped = /There are only 'skip'ped commits left to test\.([\s\S]*)/.exec(stdout)?.[1];
  return { first: undefined, candidates: [...new Set(skipped?.match(/\b[0-9a-f]{40}\b/g) ?? [])] };
}

/** `git bisect run` with relay-proof's bisect-step in one worktree; its state is reset afterwards. */
export async function gitBisectRun(
  options: BisectOptions,
  context: {
    direction: BisectResult["direction"];
    good: string;
    bad: string;
    proof: string | undefined;
    passEnv: string[];
    worktree: Worktree;
  },
): Promise<Search> {
  const { direction, good, bad, proof, passEnv, worktree } = context;
  try {
    // fixed: old commits fail ("broken"), new ones hold ("fixed"); the step inverts exit codes to match.
    const start =
      direction === "fixed"
        ? ["bisect", "start", "--term-old=broken", "--term-new=fixed", good, bad]
        : ["bisect", "start", bad, good];
    const begun = await git(worktree.path, start);
    if (!begun.ok) throw relayProofError("INTERNAL", `git bisect start failed: ${begun.stderr}`);
    options.onProgress?.(`git bisect run: looking for the commit that ${direction} it`);
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
    if (options.buildMode) step.push("--build-mode", options.buildMode);
    if (options.cli) step.push("--cli", resolve(options.cli));
    if (options.commandTimeoutMs) step.push("--command-timeout", String(options.commandTimeoutMs / 1000));
    // Adjacent endpoints: git bisect start already names the answer, there is nothing to run.
    const decided = parseBisectRun(begun.stdout);
    // Its own process group, killed on Ctrl-C before the worktree goes: no step outlives the run.
    const run = decided.first
      ? undefined
      : await spawnGroup("git", ["bisect", "run", ...step], {
          cwd: worktree.path,
          env: gitEnv(),
          timeoutMs: 6 * 60 * 60_000,
          signal: options.signal,
        });
    const log = await git(worktree.path, ["bisect", "log"]);
    const steps: Step[] = [];
    for (const line of log.stdout.split("\n")) {
      const match = /^# (good|bad|skip|broken|fixed): \[([0-9a-f]{40})\] (.*)$/.exec(line);
      if (!match) continue;
      const term = match[1] as string;
      const outcome = term === "skip" ? "skipped" : term === "good" || term === "fixed" ? "holds" : "fails";
      steps.push({ sha: match[2] as string, subject: match[3] ?? "", outcome });
    }
    const found = run ? parseBisectRun(run.stdout) : decided;
    return {
      ...found,
      steps,
      runs: steps.length,
      failure: run && (run.stderr || run.stdout).split("\n")[0],
    };
  } finally {
    // Plain `reset`: git 2.39 takes `--quiet` for a commit and resets nothing.
    await git(worktree.path, ["bisect", "reset"]);
  }
}
