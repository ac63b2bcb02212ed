// `relay-proof run`: open the checkout (or a --ref worktree with its dependencies), then prove it.

import { prepareDependencies } from "../checkout/dependencies.ts";
import { openTarget } from "../checkout/open-target.ts";
import { addWorktree } from "../checkout/worktree.ts";
import { checkPassEnv } from "../process/target-env.ts";
import { createTimeline } from "../result/timeline.ts";
import type { ProofResult } from "../result/types.ts";
import { loadDefinitions } from "../scenario/load-definition.ts";
import { proveTarget } from "./prove-target.ts";
import type { RunProofOptions } from "./run-options.ts";

export {
  defaultTestsTimeoutMs,
  defaultTimeoutMs,
  type RunProofOptions,
  type TestsOptions,
} from "./run-options.ts";

/** `--proof` as a list: one spec, several, or none (the default proof). */
export function proofSpecs(proof: RunProofOptions["proof"]): string[] {
  if (proof === undefined) return [];
  return typeof proof === "string" ? [proof] : [...proof];
}

/** Prove one checkout: target -> scenario -> verdict -> proof lines, returned as data. */
export async function runProof(options: RunProofOptions): Promise<ProofResult> {
  const started = Date.now();
  const timeline = createTimeline(started);
  options = { ...options, passEnv: checkPassEnv(options.passEnv) };
  const loaded = await loadDefinitions(proofSpecs(options.proof));
  const checkout = await openTarget({
    repo: options.repo,
    requireClean: options.requireClean && !options.ref,
  });
  if (!options.ref) return proveTarget(options, loaded, checkout, { started, root: checkout.root, timeline });
  const ref = options.ref;
  const worktree = await timeline.time("worktree", () =>
    addWorktree(checkout.root, ref, { signal: options.signal }),
  );
  try {
    options.onProgress?.(`proving ${options.ref} (${worktree.sha}) in a temporary worktree`);
    const dependencies = await timeline.time("dependencies", () =>
      prepareDependencies({
        installedRoot: checkout.root,
        worktree: worktree.path,
        sha: worktree.sha,
        install: options.install ?? true,
        passEnv: options.passEnv,
        trustInstallHooks: options.trustInstallHooks,
        onProgress: options.onProgress,
        signal: options.signal,
      }),
    );
    const target = await openTarget({ repo: worktree.path });
    return await proveTarget(options, loaded, target, {
      started,
      root: checkout.root,
      ref: options.ref,
      dependencies: { mode: dependencies.mode, detail: dependencies.detail },
      // Reused node_modules are links to the user's install: a build links that install directly.
      modulesRoot: dependencies.mode === "installed" ? worktree.path : checkout.root,
      timeline,
    });
  } finally {
    await worktree.remove();
  }
}
